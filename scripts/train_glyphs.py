#!/usr/bin/python3
"""Train the hand-printed character network of ocr/digits.c (the
convolutional one; scripts/train_digits.py trains the other).

    /usr/bin/python3 scripts/train_glyphs.py [--out ocr/glyphs_model.c] [--seed 1]
        [--per-font N] [--epochs N] [--cache FILE.npz]

A second opinion for ocr_digit_read: a small convolutional network (two
3x3 convolutions, each rectified and max-pooled 2x2, one hidden layer)
over the same 20x20 features and aspect as the digit network, trained on
the same fonts (train_digits.TRAIN_FONTS, drawn with the same hand's
variation) but on the digits, the capitals A-Z and an "other" class
(two characters touching, half of one, a symbol). Trained on letters too,
it learns what sets a 2 apart from a Z, a 5 from an S. On the same
test glyphs of the generator's hands (never trained on), its best digit
is right 74-87% of the time against the digit network's 61-80%; the two
together read more of the hand-filled dev pages than either. It writes
the weights as C source (about 14 minutes on two cores).

Pure numpy (no framework is packaged for Debian 12): about a minute an
epoch. --cache keeps the rendered glyphs between runs.

The layouts mirror ocr/digits.c's glyph_net(): pixels row-major, channel
fastest; kernel rows (i * 3 + j) * channels + channel, one column per
output channel; the hidden layer's inputs are the pooled map, row-major
and channel fastest, then the aspect.
"""

import argparse
import math
import os
import random
import sys
import time
from multiprocessing import Pool

import numpy as np
from numpy.lib.stride_tricks import as_strided
from PIL import ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_digits as td  # noqa: E402

CLASSES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NCLASS = len(CLASSES) + 1  # then "other"
OTHER = NCLASS - 1
SYMBOLS = "-+/#&,.'()"
C1, C2, HIDDEN = 8, 16, 96


def glyphs(args):
    """per_font glyphs of one font: (features, classes)."""
    rel, per_font, seed, with_other = args
    rng = random.Random(seed)
    np.random.seed(seed % (1 << 31))
    path = os.path.join(td.FONT_DIR, rel)
    if not os.path.exists(path):
        sys.exit("missing font %s (see train_digits.py's docstring)" % path)
    fnt = ImageFont.truetype(path, td.font_size(path, 60))
    X, Y = [], []
    for _ in range(per_font):
        cls = rng.randrange(NCLASS + 6 if with_other else NCLASS - 1)
        text = CLASSES[cls] if cls < OTHER else None
        cap = rng.uniform(20, 40)
        if text is not None:
            g = td.render(text, fnt, rng, cap)
        else:
            cls = OTHER
            kind = rng.random()
            if kind < 0.5:  # two characters touching
                a = td.render(rng.choice(CLASSES), fnt, rng, cap)
                b = td.render(rng.choice(CLASSES), fnt, rng, cap)
                g = td.pair(a, b, rng) if a is not None and b is not None else None
            elif kind < 0.7:
                g = td.render(rng.choice(SYMBOLS), fnt, rng, cap)
            else:  # half a character
                g = td.render(rng.choice(CLASSES), fnt, rng, cap)
                g = td.half(g, rng) if g is not None else None
        if g is None or g.shape[0] < 4:
            continue
        X.append(td.vector(g))
        Y.append(cls)
    return np.array(X, np.float32), np.array(Y)


def dataset(fonts, per_font, seed, with_other=True):
    with Pool(os.cpu_count() or 1) as pool:
        return pool.map(glyphs, [(f, per_font, seed * 1000 + i, with_other)
                                 for i, f in enumerate(fonts)])


def im2col(x):
    """x (N, H, W, C) -> (N*H*W, 9*C): each pixel's 3x3 neighbourhood,
    zero padded."""
    n, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    s = xp.strides
    v = as_strided(xp, (n, h, w, 3, 3, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
    return v.reshape(n * h * w, 9 * c)


def col2im(dc, shape):
    n, h, w, c = shape
    dc = dc.reshape(n, h, w, 3, 3, c)
    dxp = np.zeros((n, h + 2, w + 2, c), np.float32)
    for i in range(3):
        for j in range(3):
            dxp[:, i:i + h, j:j + w, :] += dc[:, :, :, i, j, :]
    return dxp[:, 1:-1, 1:-1, :]


def pool_forward(x):
    n, h, w, c = x.shape
    r = x.reshape(n, h // 2, 2, w // 2, 2, c)
    return r.max(axis=(2, 4)), r


def pool_backward(dm, r, m):
    mask = r == m[:, :, None, :, None, :]
    return (mask * dm[:, :, None, :, None, :]).reshape(
        r.shape[0], r.shape[1] * 2, r.shape[3] * 2, r.shape[5])


class Net:
    def __init__(self, seed):
        r = np.random.default_rng(seed)
        q = td.SIDE // 4
        d3 = q * q * C2 + 1

        def init(shape, fan):
            return r.normal(0, math.sqrt(2.0 / fan), shape).astype(np.float32)
        self.p = {"k1": init((9, C1), 9), "b1": np.zeros(C1, np.float32),
                  "k2": init((9 * C1, C2), 9 * C1), "b2": np.zeros(C2, np.float32),
                  "w3": init((d3, HIDDEN), d3), "b3": np.zeros(HIDDEN, np.float32),
                  "w4": init((HIDDEN, NCLASS), 2 * HIDDEN),
                  "b4": np.zeros(NCLASS, np.float32)}

    def forward(self, X, keep=False):
        s, n, p = td.SIDE, X.shape[0], self.p
        x = X[:, :s * s].reshape(n, s, s, 1)
        c1 = im2col(x)
        a1 = (c1 @ p["k1"] + p["b1"]).reshape(n, s, s, C1)
        m1, r1 = pool_forward(np.maximum(a1, 0))
        c2 = im2col(m1)
        a2 = (c2 @ p["k2"] + p["b2"]).reshape(n, s // 2, s // 2, C2)
        m2, r2 = pool_forward(np.maximum(a2, 0))
        f = np.concatenate([m2.reshape(n, -1), X[:, s * s:]], axis=1)
        a3 = f @ p["w3"] + p["b3"]
        h3 = np.maximum(a3, 0)
        if keep:
            self.saved = (c1, a1, m1, r1, c2, a2, m2, r2, f, a3, h3)
        return h3 @ p["w4"] + p["b4"]

    def backward(self, dz):
        c1, a1, m1, r1, c2, a2, m2, r2, f, a3, h3 = self.saved
        p, g = self.p, {}
        g["w4"], g["b4"] = h3.T @ dz, dz.sum(0)
        dh3 = dz @ p["w4"].T * (a3 > 0)
        g["w3"], g["b3"] = f.T @ dh3, dh3.sum(0)
        dm2 = (dh3 @ p["w3"].T)[:, :-1].reshape(m2.shape)
        d2 = (pool_backward(dm2, r2, m2) * (a2 > 0)).reshape(-1, C2)
        g["k2"], g["b2"] = c2.T @ d2, d2.sum(0)
        dm1 = col2im(d2 @ p["k2"].T, m1.shape)
        d1 = (pool_backward(dm1, r1, m1) * (a1 > 0)).reshape(-1, C1)
        g["k1"], g["b1"] = c1.T @ d1, d1.sum(0)
        return g


def train(net, X, Y, seed, epochs):
    r = np.random.default_rng(seed)
    m = {k: np.zeros_like(v) for k, v in net.p.items()}
    v = {k: np.zeros_like(v) for k, v in net.p.items()}
    lr, step, bs, n = 2e-3, 0, 128, len(X)
    for ep in range(epochs):
        t0 = time.time()
        if ep == epochs * 3 // 4:
            lr /= 4
        order = r.permutation(n)
        loss = 0.0
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            y = Y[idx]
            z = net.forward(X[idx], keep=True)
            z -= z.max(axis=1, keepdims=True)
            pr = np.exp(z)
            pr /= pr.sum(axis=1, keepdims=True)
            loss += -np.log(pr[np.arange(len(y)), y] + 1e-9).sum()
            pr[np.arange(len(y)), y] -= 1
            g = net.backward((pr / len(y)).astype(np.float32))
            step += 1
            for k in net.p:
                gk = g[k] + (1e-4 * net.p[k] if k[0] in "kw" else 0)
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                net.p[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        print("epoch %d loss %.4f (%.0f s)" % (ep + 1, loss / n, time.time() - t0),
              file=sys.stderr)


def predict(net, X, bs=2048):
    return np.concatenate([net.forward(X[i:i + bs]) for i in range(0, len(X), bs)])


def write_c(net, path, ntrain):
    def arr(name, a):
        flat = a.reshape(-1)
        lines = ["    " + ", ".join("%.7ef" % x for x in flat[i:i + 6]) + ","
                 for i in range(0, len(flat), 6)]
        return "const float %s[%d] = {\n%s\n};\n" % (name, len(flat), "\n".join(lines))

    p = net.p
    with open(path, "w") as f:
        f.write("/*\n * glyphs_model.c: weights of the hand-printed character network\n"
                " * (ocr/digits.c). Generated by scripts/train_glyphs.py from %d\n"
                " * rendered glyphs of %d fonts; do not edit, regenerate.\n */\n"
                % (ntrain, len(td.TRAIN_FONTS)))
        f.write('#include "ocr/ocr_internal.h"\n\n')
        # generated data, laid out six numbers to a line, and a check
        # longer than a line: not clang-format's
        f.write("/* clang-format off */\n")
        f.write("#if OCR_GLYPH_C1 != %d || OCR_GLYPH_C2 != %d || OCR_GLYPH_HIDDEN != %d || "
                "OCR_GLYPH_CLASSES != %d\n"
                "#error \"glyphs_model.c does not match ocr_internal.h: regenerate it\"\n#endif\n\n"
                % (C1, C2, HIDDEN, NCLASS))
        for k, name in [("k1", "ocr__glyph_k1"), ("b1", "ocr__glyph_b1"),
                        ("k2", "ocr__glyph_k2"), ("b2", "ocr__glyph_b2"),
                        ("w3", "ocr__glyph_w3"), ("b3", "ocr__glyph_b3"),
                        ("w4", "ocr__glyph_w4"), ("b4", "ocr__glyph_b4")]:
            a = p[k].T if k in ("w3", "w4") else p[k]  # dense: one row per output
            f.write(arr(name, np.ascontiguousarray(a)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="ocr/glyphs_model.c")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-font", type=int, default=4000)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--cache", help="rendered glyphs: read if present, else written")
    a = ap.parse_args()
    if a.cache and os.path.exists(a.cache):
        ds = np.load(a.cache)
        X, Y = ds["X"], ds["Y"]
        test = [(ds["tX%d" % i], ds["tY%d" % i]) for i in range(len(td.TEST_FONTS))]
    else:
        parts = dataset(td.TRAIN_FONTS, a.per_font, a.seed)
        X = np.concatenate([x for x, _ in parts])
        Y = np.concatenate([y for _, y in parts])
        test = dataset(td.TEST_FONTS, 600, a.seed + 1, with_other=False)
        if a.cache:
            np.savez(a.cache, X=X, Y=Y,
                     **{"tX%d" % i: t[0] for i, t in enumerate(test)},
                     **{"tY%d" % i: t[1] for i, t in enumerate(test)})
    print("%d training glyphs" % len(X), file=sys.stderr)
    net = Net(a.seed)
    train(net, X, Y, a.seed, a.epochs)
    for rel, (tx, ty) in zip(td.TEST_FONTS, test):
        z = predict(net, tx)
        d = ty < 10
        print("%s: best digit right %.3f, best capital right %.3f" % (
            os.path.basename(rel), (z[d, :10].argmax(1) == ty[d]).mean(),
            (z[~d, 10:OTHER].argmax(1) + 10 == ty[~d]).mean()), file=sys.stderr)
    write_c(net, a.out, len(X))


if __name__ == "__main__":
    main()
