# pyimg.py - decode a PNG screenshot (8-bit RGB or RGBA, as gfx-ctl writes
# them) with the standard library only, then run the expressions given.
#
# Usage: python3 tests/pyimg.py FILE.png EXPR...
# Each EXPR is Python run with `img` loaded: img.w, img.h, img.get(x, y) ->
# (r, g, b), and Img(path) for more pictures. Extra names can be passed in
# with EXPRs that define them.
import struct
import sys
import zlib


def load(path):
    d = open(path, 'rb').read()
    i, idat = 8, b''
    while i < len(d):
        n, = struct.unpack('>I', d[i:i + 4])
        t, c = d[i + 4:i + 8], d[i + 8:i + 8 + n]
        i += 12 + n
        if t == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', c[:10])
        elif t == b'IDAT':
            idat += c
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    rows, prev, s = [], bytearray(w * bpp), w * bpp
    for y in range(h):
        f = raw[y * (s + 1)]
        line = bytearray(raw[y * (s + 1) + 1:(y + 1) * (s + 1)])
        for x in range(s):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


class Img:
    def __init__(self, path):
        self.w, self.h, self.bpp, self.rows = load(path)

    def get(self, x, y):
        r = self.rows[y]
        return tuple(r[x * self.bpp:x * self.bpp + 3])

    def colours(self):
        """Every distinct (r, g, b) in the picture."""
        return {tuple(r[i:i + 3]) for r in self.rows for i in range(0, len(r), self.bpp)}


if __name__ == '__main__':
    img = Img(sys.argv[1])
    for expr in sys.argv[2:]:
        exec(expr)
