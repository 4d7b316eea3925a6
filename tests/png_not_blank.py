#!/usr/bin/env python3
"""png_not_blank.py: exits 0 when a PNG is a real picture, not a single colour (a blank render).

Usage: png_not_blank.py FILE [MIN_INK]
Decodes the PNG with zlib alone (8-bit greyscale, RGB, palette, grey+alpha or RGBA, not interlaced),
finds the most common pixel value (the background) and requires that at least MIN_INK (default 0.005)
of the pixels differ from it. Prints the figures; exit 1 when blank, 2 when the file is not a PNG it reads.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG signature")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    bpp, stride = channels, width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 0xFF
            elif f == 2:
                line[x] = (line[x] + b) & 0xFF
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    min_ink = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
    try:
        width, height, channels, rows = decode(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("png_not_blank: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 2
    counts = {}
    for line in rows:
        for x in range(0, len(line), channels):
            px = line[x:x + channels]
            counts[px] = counts.get(px, 0) + 1
    total = width * height
    background = max(counts.values())
    ink = (total - background) / total if total else 0.0
    print("png_not_blank: %dx%d, %d colours, %.2f%% of pixels differ from the background"
          % (width, height, len(counts), 100 * ink))
    return 0 if len(counts) > 1 and ink >= min_ink else 1


if __name__ == "__main__":
    sys.exit(main())
