#!/usr/bin/env python3
"""png-check.py FILE WIDTH HEIGHT COLOR...: the PNG has that size, is not blank (many colours, most pixels not
the background) and shows each COLOR (#rrggbb, e.g. the first bar colour). Decodes 8-bit RGB/RGBA PNGs."""
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif typ == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[:4]
if (w, h) != (int(sys.argv[2]), int(sys.argv[3])):
    sys.exit("size %dx%d, want %sx%s" % (w, h, sys.argv[2], sys.argv[3]))
if depth != 8 or ctype not in (2, 6):
    sys.exit("unsupported PNG (depth %d, colour type %d)" % (depth, ctype))
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = {}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        k = bytes(line[x:x + 3])
        colours[k] = colours.get(k, 0) + 1
    prev = line
bg, nbg = max(colours.items(), key=lambda kv: kv[1])
ink = w * h - nbg
print("%dx%d, %d colours, %.1f%% not background" % (w, h, len(colours), 100.0 * ink / (w * h)))
bad = []
if len(colours) < 16 or ink < w * h // 50:
    bad.append("blank page")
for col in sys.argv[4:]:
    k = bytes.fromhex(col.lstrip("#"))
    if colours.get(k, 0) < 20:
        bad.append("colour %s missing (%d pixels)" % (col, colours.get(k, 0)))
for m in bad:
    print(m)
sys.exit(1 if bad else 0)
