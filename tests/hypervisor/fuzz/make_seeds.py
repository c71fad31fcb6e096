#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed inputs of the hypervisor's fuzz targets into OUTDIR/<target>/.

Seeds are generated, not committed: one well-formed input per parser, so the
fuzzers start from the interesting paths and the replay tests cover them.
"""
import os
import struct
import sys


def tag(t, payload):
    b = struct.pack('<II', t, 8 + len(payload)) + payload
    return b + b'\0' * ((8 - len(b) % 8) % 8)


def multiboot2():
    body = tag(1, b'selftest=boot-vmx\0')
    body += tag(3, struct.pack('<II', 0x400000, 0x401000) + b'name=g\0')
    body += tag(6, struct.pack('<II', 24, 0) + struct.pack('<QQII', 0, 0x9fc00, 1, 0) +
                struct.pack('<QQII', 0x100000, 0x1000000, 1, 0))
    body += tag(0, b'')
    return struct.pack('<II', 8 + len(body), 0) + body


def acpi():
    mem = bytearray(0x400)

    def fix(off, ln, sumoff):
        mem[off + sumoff] = 0
        mem[off + sumoff] = (-sum(mem[off:off + ln])) & 0xff
    mem[0:8] = b'RSD PTR '
    mem[15] = 2
    struct.pack_into('<I', mem, 20, 36)
    struct.pack_into('<Q', mem, 24, 0x100)
    fix(0, 20, 8)
    fix(0, 36, 32)
    mem[0x100:0x104] = b'XSDT'
    struct.pack_into('<I', mem, 0x104, 44)
    struct.pack_into('<Q', mem, 0x100 + 36, 0x200)
    off = 44
    for i in range(2):
        struct.pack_into('<BBBBI', mem, 0x200 + off, 0, 8, i, i, 1)
        off += 8
    mem[0x200:0x204] = b'APIC'
    struct.pack_into('<I', mem, 0x204, off)
    fix(0x200, off, 9)
    return bytes(mem)


def elf_pvh():
    """ELF64 x86-64: one PT_LOAD (0x100 bytes at 0x10000, memsz 0x200), one PT_NOTE."""
    img = bytearray(0x2100)
    img[0:4] = b'\x7fELF'
    img[4], img[5], img[6] = 2, 1, 1
    struct.pack_into('<HHIQQQIHHHHHH', img, 16, 2, 62, 1, 0x10040, 64, 0, 0, 64, 56, 2, 0, 0, 0)
    struct.pack_into('<IIQQQQQQ', img, 64, 1, 7, 0x1000, 0x10000, 0x10000, 0x100, 0x200, 0x1000)
    struct.pack_into('<IIQQQQQQ', img, 120, 4, 4, 0x2000, 0, 0, 20, 20, 4)
    struct.pack_into('<III4sQ', img, 0x2000, 4, 8, 18, b'Xen\0', 0x10040)
    return bytes(img)


def elf32_pvh():
    """The same image as an elf32-x86-64 container (phdrs at 52, 32 bytes each)."""
    img = bytearray(0x2100)
    img[0:4] = b'\x7fELF'
    img[4], img[5], img[6] = 1, 1, 1
    struct.pack_into('<HHIIIIIHHHHHH', img, 16, 2, 62, 1, 0x10040, 52, 0, 0, 52, 32, 2, 0, 0, 0)
    struct.pack_into('<IIIIIIII', img, 52, 1, 0x1000, 0x10000, 0x10000, 0x100, 0x200, 7, 0x1000)
    struct.pack_into('<IIIIIIII', img, 84, 4, 0x2000, 0, 0, 20, 20, 4, 4)
    struct.pack_into('<III4sI', img, 0x2000, 4, 4, 18, b'Xen\0', 0x10040)
    return bytes(img)


SEEDS = {
    'multiboot2': {'full': multiboot2()},
    'acpi': {'two-cpus': acpi()},
    'elf_pvh': {'minimal': elf_pvh(), 'elf32': elf32_pvh()},
    'insn_decode': {
        'mov-load': bytes([0x8b, 0x07]),
        'rex-imm': bytes([0x41, 0xc7, 0x80, 0, 3, 0, 0, 0x78, 0x56, 0x34, 0x12]),
        'movzx-sib': bytes([0x44, 0x0f, 0xb7, 0x4c, 0xca, 0x04]),
        'moffs': bytes([0x48, 0xa1, 0xf0, 0, 0xd0, 0xfe, 0, 0, 0, 0]),
    },
    'dm_op': {
        'map-unmap': (struct.pack('<IIHHIQQ', 3, 0, 0, 0, 0, 0x5000, 0x5007) +
                      struct.pack('<IIHHIQQ', 3, 0, 0, 0, 0, 0x5008, 0x500f) +
                      struct.pack('<IIHHIQQ', 4, 0, 0, 0, 0, 0x5004, 0x5005)),
        'create-info': (struct.pack('<IIB3xH18x', 1, 0, 2, 0) +
                        struct.pack('<IIHHI16x', 2, 0, 0, 1, 0)),
        # set_isa_irq_level, set_pci_intx_level, set_pci_link_route, inject_msi.
        'irqs': (struct.pack('<IIBB22x', 9, 0, 4, 1) +
                 struct.pack('<IIHBBBB18x', 8, 0, 0, 0, 3, 1, 1) +
                 struct.pack('<IIBB22x', 10, 0, 2, 11) +
                 struct.pack('<IIIIQ8x', 14, 0, 0x4041, 0, 0xfee00000)),
    },
    'bufioreq': {
        # Posts of each size, the device model catching up, a pointer near wrap-around.
        'posts': (struct.pack('<BBBxII', 0, 8, 1, 0, 5) + struct.pack('<BBBxII', 0, 4, 1, 0x70, 9) +
                  struct.pack('<BBBxII', 1, 0, 0, 3, 0) +
                  struct.pack('<BBBxII', 2, 0, 0, 0xfffffffe, 0) +
                  struct.pack('<BBBxII', 0, 2, 0, 0xa0000, 1)),
    },
    'hvm_devices': {
        # PIC init (master, slave), IRQ 0 up, INTA; IO-APIC RTE 2 programmed then line up;
        # PIT channel 0 mode 2 at 1 kHz; RTC register B binary with UIE, then C read.
        'init-and-tick': bytes([0, 0, 0x11, 0, 0, 1, 0x20, 0, 0, 1, 0x04, 0, 0, 1, 0x01, 0,
                                0, 2, 0x11, 0, 0, 3, 0x28, 0, 0, 3, 0x02, 0, 0, 3, 0x01, 0,
                                2, 0, 1, 0, 3, 0, 0, 1,
                                0x14, 0x00, 0x14, 0, 0x14, 0x10, 0x30, 0, 5, 2, 1, 0,
                                6, 3, 0x34, 0, 6, 0, 0xa9, 0, 6, 0, 0x04, 4,
                                8, 0x0b, 0x16, 0, 9, 0x0c, 0, 8]),
    },
    'domain_config': {
        'full': b'name=web mem=64M vcpus=2 weight=512 cap=50 pin=0,1 peer=db expect=pass '
                b'-- console=hvc0',
        'short': b'name=a -- x',
        'hvm': b'name=plat mem=16M hvm privileged peer=dm -- mode=dm',
    },
}


def main():
    out = sys.argv[1]
    for target, files in SEEDS.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
