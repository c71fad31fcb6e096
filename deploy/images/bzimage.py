# SPDX-License-Identifier: MIT
"""The kernel ELF inside an x86 bzImage, located by the setup header and decompressed.

Layout (Linux Documentation/arch/x86/boot.rst, "The real-mode kernel header"): the setup
code is (setup_sects + 1) sectors of 512 bytes (setup_sects 0 means 4); the protected-mode
part follows it, and from boot protocol 2.08 on, payload_offset (0x248) and payload_length
(0x24c) give the compressed kernel's place relative to that part. The format is told by the
payload's magic bytes, as boot.rst says; the kernel's build appends the uncompressed size as
a little-endian u32 (scripts/Makefile.lib, size_append; gzip's own trailer has it too), so
every result is checked against it.
"""
import bz2
import lzma
import struct
import zlib

SECTOR = 512
HDRS_MAGIC = b"HdrS"
MIN_PROTOCOL = 0x0208  # the first with payload_offset/payload_length
ELF_MAGIC = b"\x7fELF"
LZ4_LEGACY_MAGIC = 0x184C2102
LZ4_LEGACY_BLOCK = 8 << 20  # lz4 -l: every block but the last holds 8 MiB
MAX_VMLINUX = 512 << 20  # Debian's is ~60 MiB


class BzImageError(ValueError):
    """The file is not a bzImage whose payload is a compressed ELF."""


def payload(image):
    """The compressed payload's bytes, as the setup header places them."""
    if len(image) < 0x250:
        raise BzImageError("%d bytes: too short for a setup header" % len(image))
    if image[0x202:0x206] != HDRS_MAGIC:
        raise BzImageError("no 'HdrS' setup header at 0x202")
    version = struct.unpack_from("<H", image, 0x206)[0]
    if version < MIN_PROTOCOL:
        raise BzImageError("boot protocol %#x has no payload fields" % version)
    setup_sects = image[0x1F1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * SECTOR + offset
    if length < 8 or start + length > len(image):
        raise BzImageError("payload [%#x, +%#x) lies outside the %d-byte file"
                           % (start, length, len(image)))
    return image[start:start + length]


def _stream(decompressor, data, size, errors):
    """Runs a decompressor object that stops at its stream's end, producing at most one
    byte more than the size trailer promises (no decompression bomb)."""
    try:
        out = decompressor.decompress(data, size + 1)
    except errors as e:
        raise BzImageError("payload does not decompress: %s" % e) from e
    if not decompressor.eof:
        raise BzImageError("compressed stream ends early or runs past its size")
    return out


def _gzip(data, size):
    return _stream(zlib.decompressobj(wbits=16 + zlib.MAX_WBITS), data, size, zlib.error)


def _bzip2(data, size):
    return _stream(bz2.BZ2Decompressor(), data, size, (OSError, EOFError))


def _lzma(fmt):
    return lambda data, size: _stream(lzma.LZMADecompressor(format=fmt), data, size,
                                      lzma.LZMAError)


def _zstd(data, size):
    import zstandard  # python3-zstandard, needed only for zstd kernels
    reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=False)
    try:
        return reader.read(size + 1)
    except zstandard.ZstdError as e:
        raise BzImageError("payload does not decompress: %s" % e) from e


def _lz4_legacy(data, size):
    """lz4's legacy frame (lz4 -l): the magic, then blocks of u32 length + LZ4 block. The
    stream has no end mark; it ends when size bytes are out (the kernel's size trailer)."""
    import lz4.block  # python3-lz4, needed only for lz4 kernels
    pos, out = 4, bytearray()
    while len(out) < size:
        if pos + 4 > len(data):
            raise BzImageError("lz4 stream ends early")
        n = struct.unpack_from("<I", data, pos)[0]
        pos += 4
        if n == LZ4_LEGACY_MAGIC:  # concatenated streams
            continue
        if n == 0 or pos + n > len(data):
            raise BzImageError("lz4 block of %d bytes overruns the payload" % n)
        want = min(LZ4_LEGACY_BLOCK, size - len(out))
        try:
            out += lz4.block.decompress(data[pos:pos + n], uncompressed_size=want)
        except lz4.block.LZ4BlockError as e:
            raise BzImageError("payload does not decompress: %s" % e) from e
        pos += n
    return bytes(out)


# (magic, name, decompressor): boot.rst's list of payload formats.
FORMATS = [
    (b"\x1f\x8b", "gzip", _gzip),
    (b"\x1f\x9e", "gzip", _gzip),
    (b"BZh", "bzip2", _bzip2),
    (b"\x5d\x00", "lzma", _lzma(lzma.FORMAT_ALONE)),
    (b"\xfd7zXZ\x00", "xz", _lzma(lzma.FORMAT_XZ)),
    (struct.pack("<I", LZ4_LEGACY_MAGIC), "lz4", _lz4_legacy),
    (b"\x28\xb5\x2f\xfd", "zstd", _zstd),
]


def _format(data):
    for magic, name, decompress in FORMATS:
        if data.startswith(magic):
            return name, decompress
    raise BzImageError("payload starts with %s: not a compression boot.rst lists"
                       % data[:6].hex())


def vmlinux(image):
    """(ELF bytes, compression name) of the kernel inside the bzImage bytes."""
    data = payload(image)
    name, decompress = _format(data)
    size = struct.unpack_from("<I", data, len(data) - 4)[0]
    if size > MAX_VMLINUX:
        raise BzImageError("size trailer says %d bytes: more than any kernel" % size)
    elf = decompress(data, size)
    if len(elf) != size:
        raise BzImageError("%s payload gave %d bytes, its size trailer says %d"
                           % (name, len(elf), size))
    if not elf.startswith(ELF_MAGIC):
        raise BzImageError("%s payload is not an ELF" % name)
    return elf, name
