# SPDX-License-Identifier: MIT
"""The same kernel ELF, smaller on disk: each loadable segment's trailing zero bytes are left
to p_memsz (a loader zeroes p_filesz..p_memsz, as ELF says), and segments are packed at page
alignment instead of the linker's 2 MiB. Debian's vmlinux carries its .bss and .brk as file
bytes (the bzImage payload is written that way): 66 MB become 35 MB, which GRUB loads in
half the time and dom0 stores and hands to the hypervisor in half the memory. Section
headers are dropped (a loader reads program headers only); the memory image is unchanged.

ELF64 only (Debian's x86-64 kernel). Usage as a module: slim(bytes) -> bytes.
"""
import struct

PAGE = 4096
PT_LOAD, PT_NOTE = 1, 4
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")


class ElfError(ValueError):
    pass


def _phdrs(elf):
    if len(elf) < EHDR.size or elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ElfError("not a little-endian ELF64 file")
    h = EHDR.unpack_from(elf)
    phoff, phentsize, phnum = h[5], h[9], h[10]
    if phentsize != PHDR.size or phoff + phnum * PHDR.size > len(elf):
        raise ElfError("program headers outside the file")
    out = []
    for i in range(phnum):
        ph = list(PHDR.unpack_from(elf, phoff + i * PHDR.size))
        if ph[0] in (PT_LOAD, PT_NOTE) and ph[2] + ph[5] > len(elf):
            raise ElfError("segment %d outside the file" % i)
        out.append(ph)
    return h, out


def _has_phys32_reloc(notes):
    """Whether a note segment holds Xen's XEN_ELFNOTE_PHYS32_RELOC (type 19,
    xen/include/public/elfnote.h)."""
    at = 0
    while at + 12 <= len(notes):
        namesz, descsz, kind = struct.unpack_from("<III", notes, at)
        name = notes[at + 12:at + 12 + namesz].rstrip(b"\0")
        if name == b"Xen" and kind == 19:
            return True
        at += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def slim(elf):
    h, phdrs = _phdrs(elf)
    nph = len(phdrs)
    at = EHDR.size + nph * PHDR.size
    body = bytearray()
    notes = [(ph[2], ph[2] + ph[5]) for ph in phdrs if ph[0] == PT_NOTE]
    reloc = any(_has_phys32_reloc(elf[a:b]) for a, b in notes)
    moved = {}  # old (offset, filesz) of each load segment -> new offset
    for ph in phdrs:
        if ph[0] != PT_LOAD:
            continue
        off, filesz = ph[2], ph[5]
        keep = max([len(elf[off:off + filesz].rstrip(b"\0"))] +
                   [end - off for start, end in notes if off <= start and end <= off + filesz])
        data = elf[off:off + keep]
        # The offset congruent to the address modulo p_align, as ELF asks. A relocatable
        # kernel takes its alignment from p_align: it keeps the linker's.
        align = ph[7] if reloc else PAGE
        body += b"\0" * ((ph[3] - (at + len(body))) % max(align, 1))
        moved[(off, filesz)] = at + len(body)
        ph[2], ph[5], ph[7] = at + len(body), len(data), align
        body += data
    for ph in phdrs:
        if ph[0] != PT_NOTE:
            continue
        for (off, filesz), new in moved.items():
            if off <= ph[2] and ph[2] + ph[5] <= off + filesz:
                ph[2] = new + ph[2] - off
                break
        else:
            raise ElfError("a note segment outside every load segment")
    head = bytearray(EHDR.pack(h[0], h[1], h[2], h[3], h[4], EHDR.size, 0, h[7], h[8],
                               PHDR.size, nph, h[11], 0, 0))
    for ph in phdrs:
        head += PHDR.pack(*ph)
    return bytes(head + body)


def memory_image(elf):
    """{physical address: bytes} of every loadable segment, zero-filled to p_memsz: what a
    loader puts in memory (used by the test to show slim() changes nothing there)."""
    _, phdrs = _phdrs(elf)
    return {ph[4]: elf[ph[2]:ph[2] + ph[5]] + b"\0" * (ph[6] - ph[5])
            for ph in phdrs if ph[0] == PT_LOAD}
