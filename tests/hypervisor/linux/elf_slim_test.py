#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""deploy/images/elf_slim.py: the slimmed kernel ELF loads to the same memory image, its note
still reads the same, a relocatable kernel keeps its alignment, and bad files are refused."""
import os
import struct
import sys
import unittest

sys.dont_write_bytecode = True
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import elf_slim  # noqa: E402

ALIGN = 0x200000


def note(kind, desc):
    return struct.pack("<III", 4, len(desc), kind) + b"Xen\0" + desc + \
        b"\0" * (-len(desc) % 4)


def make_elf(reloc=False):
    """Two load segments at 2 MiB alignment, the second mostly zeros (a .bss written out),
    and a note segment inside the first, as Debian's vmlinux has."""
    notes = note(18, struct.pack("<I", 0x1000000)) + (note(19, b"\0" * 12) if reloc else b"")
    text = b"\x90" * 5000 + notes + b"\xcc" * 3000
    data = b"\x11" * 700 + b"\0" * 9000 + b"\x22" * 5 + b"\0" * 20000
    segs = [(0x1000000, text, len(text)), (0x1400000, data, len(data) + 4096)]
    phnum = 3
    body_at = ALIGN
    out = bytearray(b"\0" * (body_at * 3))
    phdrs = []
    for i, (pa, blob, memsz) in enumerate(segs):
        off = body_at * (i + 1)
        out[off:off + len(blob)] = blob
        phdrs.append(struct.pack("<IIQQQQQQ", 1, 5, off, 0xffffffff80000000 + pa, pa,
                                 len(blob), memsz, ALIGN))
    noff = ALIGN + 5000
    phdrs.append(struct.pack("<IIQQQQQQ", 4, 4, noff, 0, 0x1000000 + 5000, len(notes),
                             len(notes), 4))
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, 2, 62, 1,
                       0x1000000, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    out[:64] = ehdr
    out[64:64 + 56 * phnum] = b"".join(phdrs)
    return bytes(out), notes


def note_bytes(elf):
    _, phdrs = elf_slim._phdrs(elf)
    ph = next(p for p in phdrs if p[0] == 4)
    return elf[ph[2]:ph[2] + ph[5]], [p for p in phdrs if p[0] == 1]


class Slim(unittest.TestCase):
    def test_same_memory_image_smaller_file(self):
        elf, notes = make_elf()
        slim = elf_slim.slim(elf)
        self.assertLess(len(slim), len(elf) // 10)
        self.assertEqual(elf_slim.memory_image(slim), elf_slim.memory_image(elf))
        got, loads = note_bytes(slim)
        self.assertEqual(got, notes)
        for ph in loads:
            self.assertEqual(ph[7], 4096)
            self.assertEqual(ph[2] % 4096, ph[3] % 4096)
        self.assertEqual(loads[1][5], 700 + 9000 + 5)  # trailing zeros left to p_memsz

    def test_relocatable_kernel_keeps_alignment(self):
        elf, _ = make_elf(reloc=True)
        slim = elf_slim.slim(elf)
        self.assertEqual(elf_slim.memory_image(slim), elf_slim.memory_image(elf))
        for ph in note_bytes(slim)[1]:
            self.assertEqual(ph[7], ALIGN)
            self.assertEqual(ph[2] % ALIGN, ph[3] % ALIGN)

    def test_bad_files_refused(self):
        elf, _ = make_elf()
        for bad in (b"", b"MZ" + b"\0" * 100, elf[:100], b"\x7fELF\x01\x01" + elf[6:]):
            with self.assertRaises(elf_slim.ElfError):
                elf_slim.slim(bad)
        cut = elf[:ALIGN + 100]  # the segments run past the end
        with self.assertRaises(elf_slim.ElfError):
            elf_slim.slim(cut)


if __name__ == "__main__":
    unittest.main()
