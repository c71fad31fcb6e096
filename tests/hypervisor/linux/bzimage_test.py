#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""deploy/images/bzimage.py against synthetic bzImage-shaped files: one per compressor the
kernel's build can use, each made with Debian's own tool the way scripts/Makefile.lib runs
it, and files that are broken in the ways a parser must survive (label unit)."""
import os
import random
import struct
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRC, "deploy", "images"))
import bzimage  # noqa: E402

# The commands of Linux 6.1's scripts/Makefile.lib (cmd_gzip, cmd_bzip2, cmd_lzma,
# cmd_xzkern via scripts/xz_wrap.sh, cmd_lz4, cmd_zstd22; smaller dictionary and levels for
# xz, lz4 and zstd, which only the compressor sees); all but gzip append the size.
COMPRESSORS = {
    "gzip": (["gzip", "-n", "-9"], False),
    "bzip2": (["bzip2", "-9"], True),
    "lzma": (["lzma", "-9"], True),
    "xz": (["xz", "--check=crc32", "--x86", "--lzma2=dict=1MiB"], True),
    "lz4": (["lz4", "-l", "-1", "stdin", "stdout"], True),
    "zstd": (["zstd", "-19"], True),
}


def fake_elf(size, seed=1):
    """ELF magic, then bytes that compress a little but not to nothing."""
    alphabet = b"keel\x00\x90\xcc\x0f"
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return b"\x7fELF" + random.Random(seed).randbytes(size - 4).translate(table)


def compress(name, data):
    cmd, size_append = COMPRESSORS[name]
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout
    return out + (struct.pack("<I", len(data)) if size_append else b"")


def bzimage_file(payload, setup_sects=3, version=0x020F, pre=0x4A0, post=0x200):
    """A bzImage-shaped file: setup sectors with the header fields boot.rst defines, then
    the protected-mode part holding the payload at pre bytes in, and post bytes after it."""
    setup = bytearray(((setup_sects or 4) + 1) * 512)
    setup[0x1F1] = setup_sects
    setup[0x1FE:0x200] = b"\x55\xaa"
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    struct.pack_into("<II", setup, 0x248, pre, len(payload))
    return bytes(setup) + b"\xf4" * pre + payload + b"\xf4" * post


class Formats(unittest.TestCase):
    def test_every_compressor(self):
        elf = fake_elf(200_000)
        for name in COMPRESSORS:
            with self.subTest(name):
                got, fmt = bzimage.vmlinux(bzimage_file(compress(name, elf)))
                self.assertEqual(fmt, name)
                self.assertEqual(got, elf)

    def test_lz4_with_two_8mib_blocks(self):
        elf = fake_elf(9 << 20, seed=2)
        got, fmt = bzimage.vmlinux(bzimage_file(compress("lz4", elf)))
        self.assertEqual((fmt, len(got)), ("lz4", len(elf)))
        self.assertEqual(got, elf)

    def test_setup_sects_zero_means_four(self):
        elf = fake_elf(4096)
        got, _ = bzimage.vmlinux(bzimage_file(compress("gzip", elf), setup_sects=0))
        self.assertEqual(got, elf)

    def test_magic_bytes_elsewhere_are_ignored(self):
        # A decoy xz stream before the payload: the header, not a scan, decides.
        elf = fake_elf(4096)
        decoy = compress("xz", fake_elf(4096, seed=9))
        image = bzimage_file(compress("zstd", elf), pre=len(decoy) + 64)
        start = 4 * 512
        image = image[:start] + decoy + image[start + len(decoy):]
        self.assertEqual(bzimage.vmlinux(image), (elf, "zstd"))


class Broken(unittest.TestCase):
    def assertRefused(self, image, words):
        with self.assertRaises(bzimage.BzImageError) as cm:
            bzimage.vmlinux(image)
        self.assertIn(words, str(cm.exception))

    def test_too_short_and_no_header(self):
        self.assertRefused(b"\0" * 100, "too short")
        image = bytearray(bzimage_file(compress("gzip", fake_elf(4096))))
        image[0x202:0x206] = b"HdrT"
        self.assertRefused(bytes(image), "HdrS")

    def test_protocol_before_payload_fields(self):
        self.assertRefused(bzimage_file(compress("gzip", fake_elf(4096)), version=0x0207),
                           "no payload fields")

    def test_lengths_outside_the_file(self):
        payload = compress("xz", fake_elf(4096))
        image = bytearray(bzimage_file(payload, post=0))
        self.assertRefused(bytes(image[:-1]), "outside")  # file truncated in the payload
        struct.pack_into("<I", image, 0x248, 0xFFFFF000)  # offset far past the end
        self.assertRefused(bytes(image), "outside")
        struct.pack_into("<II", image, 0x248, 0x4A0, 0xFFFFFFFF)  # length past the end
        self.assertRefused(bytes(image), "outside")

    def test_truncated_streams(self):
        elf = fake_elf(100_000)
        for name in COMPRESSORS:
            with self.subTest(name):
                stream = compress(name, elf)
                body = stream[:len(stream) // 2]
                cut = body + (stream[-4:] if COMPRESSORS[name][1] else body[-4:])
                with self.assertRaises(bzimage.BzImageError):
                    bzimage.vmlinux(bzimage_file(cut))

    def test_payload_that_is_not_an_elf(self):
        for name in COMPRESSORS:
            with self.subTest(name):
                self.assertRefused(bzimage_file(compress(name, b"MZ" + fake_elf(8192)[2:])),
                                   "not an ELF")

    def test_unknown_compression(self):
        self.assertRefused(bzimage_file(b"\x89LZO\x00" + b"\0" * 64), "not a compression")

    def test_size_trailer_lies(self):
        stream = compress("bzip2", fake_elf(8192))
        self.assertRefused(bzimage_file(stream[:-4] + struct.pack("<I", 4096)), "")
        self.assertRefused(bzimage_file(stream[:-4] + struct.pack("<I", 0xFFFFFFF0)),
                           "more than any kernel")

    def test_random_corruption_is_refused_cleanly(self):
        # Bytes flipped anywhere (header or stream): the result is the ELF or BzImageError,
        # never another exception.
        rng = random.Random(12)
        elf = fake_elf(16384)
        images = [bzimage_file(compress(name, elf)) for name in COMPRESSORS]
        for i in range(600):
            image = bytearray(rng.choice(images))
            for _ in range(rng.randint(1, 4)):
                pos = rng.choice([rng.randrange(0x1F0, 0x250), rng.randrange(len(image))])
                image[pos] = rng.randrange(256)
            try:
                got, _ = bzimage.vmlinux(bytes(image))
            except bzimage.BzImageError:
                continue
            self.assertTrue(got.startswith(b"\x7fELF"))


if __name__ == "__main__":
    unittest.main(verbosity=1)
