#!/usr/bin/python3
"""Train the hand-printed digit classifier of ocr/digits.c.

    /usr/bin/python3 scripts/train_digits.py [--out ocr/digits_model.c] [--seed 1]
        [--test-fonts] [--per-font N] [--epochs N]
    /usr/bin/python3 scripts/train_digits.py --fixture tests/fixtures/digits_dkgbd.png

Tesseract's line model is trained on print: it reads hand-printed digits
poorly (a quarter of the digit fields of a hand-filled page exact). This
trains a small network (one hidden layer) on single digits rendered in
many handwriting and informal fonts, each drawn many times with a hand's
variation (tilt, slant, stroke weight, size, blur, ragged edges), plus an
eleventh class for ink that is not one digit (two touching digits, half a
digit, a letter, a dash). It writes the weights as C source.

The fonts of the generator's hand-filled kind (samples/render.py
HAND_FONTS: DkgHandwriting, Breip) are NOT trained on: the hand-filled
sample sets then measure how the classifier does on hands it never saw,
as acceptance scans will be. --test-fonts reports accuracy on those
fonts' glyphs.

Needs numpy, Pillow and these Debian font packages: fonts-bwht
fonts-comic-neue fonts-humor-sans fonts-femkeklaver fonts-sjfonts
fonts-rufscript fonts-dancingscript fonts-kristi fonts-klee fonts-seto
fonts-cabinsketch fonts-ecolier-court fonts-tomsontalks
fonts-kaushanscript fonts-yozvox-yozfont fonts-kiloji fonts-leckerli-one
fonts-sil-andika fonts-fantasque-sans fonts-comfortaa fonts-open-sans
fonts-roboto fonts-dejavu-core fonts-liberation2.

The feature extraction (features()) is the C code's (ocr/digits.c
ocr_digit_features): change both together.
"""

import argparse
import math
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts"
TRAIN_FONTS = [
    "opentype/bwht/BecauseWeBuild-Regular.otf",
    "opentype/bwht/BecauseWeConnect-Regular.otf",
    "opentype/bwht/BecauseWeCreate-Regular.otf",
    "opentype/bwht/BecauseWeLearn-Regular.otf",
    "opentype/bwht/BecauseWeMentor-Regular.otf",
    "opentype/bwht/BecauseWeOrganize-Regular.otf",
    "opentype/comic-neue/ComicNeue-Regular.otf",
    "opentype/comic-neue/ComicNeue-Bold.otf",
    "opentype/comic-neue/ComicNeue-Italic.otf",
    "opentype/comic-neue/ComicNeue-Light.otf",
    "opentype/dancingscript/DancingScript-Regular.otf",
    "opentype/fantasque-sans/Normal/OTF/FantasqueSansMono-Regular.otf",
    "opentype/fantasque-sans/Normal/OTF/FantasqueSansMono-Italic.otf",
    "opentype/kaushanscript/KaushanScript-Regular.otf",
    "truetype/andika/Andika-Regular.ttf",
    "truetype/andika/Andika-Italic.ttf",
    "truetype/cabinsketch/CabinSketch-Regular.ttf",
    "truetype/comfortaa/Comfortaa-Regular.ttf",
    "truetype/dejavu/DejaVuSans.ttf",
    "truetype/dejavu/DejaVuSans-Oblique.ttf",
    "truetype/ecolier-court/Ecolier-court.ttf",
    "truetype/femkeklaver/femkeklaver.ttf",
    "truetype/humor-sans/Humor-Sans.ttf",
    "truetype/kiloji/kiloji.ttf",
    "truetype/kiloji/kiloji_p.ttf",
    "truetype/klee/KleeOne-Regular.ttf",
    "truetype/klee/KleeOne-SemiBold.ttf",
    "truetype/kristi/Kristi.ttf",
    "truetype/leckerli-one/LeckerliOne-Regular.ttf",
    "truetype/liberation/LiberationSans-Regular.ttf",
    "truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "truetype/open-sans/OpenSans-Regular.ttf",
    "truetype/open-sans/OpenSans-Light.ttf",
    "truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "truetype/roboto/unhinted/RobotoCondensed-Italic.ttf",
    "truetype/rufscript/Rufscript010.ttf",
    "truetype/seto/setofont.ttf",
    "truetype/sjfonts/Delphine.ttf",
    "truetype/sjfonts/SteveHand.ttf",
    "truetype/tomsontalks/TomsonTalks.ttf",
    "truetype/yozvox-yozfont/YOzRN_.ttf",
    "truetype/yozvox-yozfont/YOzRN_i.ttf",
]
# The generator's hand-filled fonts: never trained on.
TEST_FONTS = [
    "truetype/fifthhorseman/dkg.ttf",
    "truetype/fifthhorseman/dkgIt.ttf",
    "truetype/fifthhorseman/dkgBd.ttf",
    "truetype/breip/Breip.ttf",
]

SIDE = 20          # feature image side
FIT = 18           # the glyph's longer side in it
SUB = 4            # samples per feature pixel along each axis
NCLASS = 11        # digits 0-9, then "not one digit"
HIDDEN = 96
OTHER_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ-+/#"


def features(ink):
    """ink: 2-D bool array, the glyph's bounding box. -> SIDE*SIDE floats in
    [0, 1] and the box's aspect (width / height)."""
    h, w = ink.shape
    s = FIT / max(w, h)
    ow, oh = max(1, min(SIDE, int(w * s + 0.5))), max(1, min(SIDE, int(h * s + 0.5)))
    x0, y0 = (SIDE - ow) // 2, (SIDE - oh) // 2
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    # sample SUB x SUB points per output pixel, each mapped to its source pixel
    u = (np.arange(ow * SUB) + 0.5) / SUB          # output x, in pixels
    v = (np.arange(oh * SUB) + 0.5) / SUB
    sx = np.minimum((u * w / ow).astype(int), w - 1)
    sy = np.minimum((v * h / oh).astype(int), h - 1)
    samp = ink[np.ix_(sy, sx)].astype(np.float32)
    cells = samp.reshape(oh, SUB, ow, SUB).mean(axis=(1, 3))
    out[y0:y0 + oh, x0:x0 + ow] = cells
    return out.reshape(-1), w / h


def vector(ink):
    f, aspect = features(ink)
    return np.concatenate([f, [min(aspect, 3.0) / 3.0]]).astype(np.float32)


def crop(mask):
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def render(text, fnt, rng, cap):
    """A hand's rendering of text: 8-bit ink image -> bool glyph box."""
    pad = 40
    l, t, r, b = fnt.getbbox(text)
    w, h = r - l + 2 * pad, b - t + 2 * pad
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    d.text((pad - l, pad - t), text, font=fnt, fill=255)
    # slant (shear) and tilt
    sh = rng.uniform(-0.25, 0.25)
    img = img.transform(img.size, Image.AFFINE, (1, sh, -sh * h / 2, 0, 1, 0),
                        resample=Image.BILINEAR)
    img = img.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR)
    # aspect: a hand's narrow or wide figures
    sx = rng.uniform(0.8, 1.2)
    img = img.resize((max(1, int(w * sx)), h), Image.BILINEAR)
    # stroke weight
    k = rng.choice([0, 0, 0, 1, 2, 3])
    if k == 1:
        img = img.filter(ImageFilter.MaxFilter(3))
    elif k == 2:
        img = img.filter(ImageFilter.MinFilter(3))
    elif k == 3:
        img = img.filter(ImageFilter.MaxFilter(5))
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    a = np.asarray(img, dtype=np.float32)
    if rng.random() < 0.3:           # ragged edges: noise along the strokes only
        near = np.asarray(img.filter(ImageFilter.MaxFilter(5)), dtype=np.float32) > 0
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 40, a.shape)
        a = a + np.asarray(noise, dtype=np.float32) * near
    m = a > rng.uniform(90, 170)
    g = crop(m)
    if g is None:
        return None
    # bring it to a scan's size (cap height about `cap` pixels)
    gh, gw = g.shape
    z = cap / max(1, gh) * rng.uniform(0.7, 1.1)
    im = Image.fromarray((g * 255).astype(np.uint8)).resize(
        (max(1, int(gw * z + 0.5)), max(1, int(gh * z + 0.5))), Image.BILINEAR)
    g = crop(np.asarray(im) > 127)
    return g


def font_size(fnt_path, cap):
    base = ImageFont.truetype(fnt_path, 100)
    l, t, r, b = base.getbbox("8")
    return max(10, int(100 * cap / max(1, b - t)))


def samples(paths, per_font, rng, with_other=True):
    X, Y = [], []
    for rel in paths:
        p = os.path.join(FONT_DIR, rel)
        if not os.path.exists(p):
            sys.exit("missing font %s (see this script's docstring)" % p)
        fnt = ImageFont.truetype(p, font_size(p, 60))
        for _ in range(per_font):
            cls = rng.randrange(NCLASS + 2 if with_other else 10)
            if cls < 10:
                text = str(cls)
            else:
                cls = 10
                kind = rng.random()
                if kind < 0.45:            # two digits touching
                    text = "pair"
                elif kind < 0.75:
                    text = rng.choice(OTHER_CHARS)
                else:
                    text = str(rng.randrange(10))
            cap = rng.uniform(20, 40)
            if text == "pair":
                a = render(str(rng.randrange(10)), fnt, rng, cap)
                b = render(str(rng.randrange(10)), fnt, rng, cap)
                g = pair(a, b, rng) if a is not None and b is not None else None
            else:
                g = render(text, fnt, rng, cap)
            if g is None:
                continue
            if cls == 10 and text.isdigit():
                # half a digit: cut off its top, bottom, left or right
                g = half(g, rng)
            if g is None or g.shape[0] < 4:
                continue
            X.append(vector(g))
            Y.append(cls)
    return np.array(X), np.array(Y)


def pair(a, b, rng):
    """Two glyphs side by side, touching or overlapping a little."""
    h = max(a.shape[0], b.shape[0])
    ov = min(rng.randint(0, 3), b.shape[1] - 1, a.shape[1] - 1)
    w = a.shape[1] + b.shape[1] - ov
    out = np.zeros((h, w), dtype=bool)
    out[h - a.shape[0]:, :a.shape[1]] |= a
    out[h - b.shape[0]:, w - b.shape[1]:] |= b
    return crop(out)


def half(g, rng):
    h, w = g.shape
    side = rng.randrange(4)
    f = rng.uniform(0.35, 0.55)
    if side == 0:
        g = g[:int(h * f)]
    elif side == 1:
        g = g[h - int(h * f):]
    elif side == 2:
        g = g[:, :max(1, int(w * f))]
    else:
        g = g[:, w - max(1, int(w * f)):]
    return crop(g)


def train(X, Y, seed, epochs=40):
    r = np.random.default_rng(seed)
    n, d = X.shape
    W1 = r.normal(0, math.sqrt(2.0 / d), (d, HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    W2 = r.normal(0, math.sqrt(1.0 / HIDDEN), (HIDDEN, NCLASS)).astype(np.float32)
    b2 = np.zeros(NCLASS, np.float32)
    params = [W1, b1, W2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, step, bs = 2e-3, 0, 128
    for ep in range(epochs):
        order = r.permutation(n)
        if ep == epochs * 3 // 4:
            lr /= 4
        loss = 0.0
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            x, y = X[idx], Y[idx]
            hpre = x @ W1 + b1
            hact = np.maximum(hpre, 0)
            z = hact @ W2 + b2
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            loss += -np.log(p[np.arange(len(y)), y] + 1e-9).sum()
            dz = p
            dz[np.arange(len(y)), y] -= 1
            dz /= len(y)
            gW2 = hact.T @ dz + 1e-4 * W2
            gb2 = dz.sum(axis=0)
            dh = (dz @ W2.T) * (hpre > 0)
            gW1 = x.T @ dh + 1e-4 * W1
            gb1 = dh.sum(axis=0)
            step += 1
            for j, g in enumerate([gW1, gb1, gW2, gb2]):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                mh = m[j] / (1 - 0.9 ** step)
                vh = v[j] / (1 - 0.999 ** step)
                params[j] -= lr * mh / (np.sqrt(vh) + 1e-8)
        print("epoch %d loss %.4f" % (ep + 1, loss / n), file=sys.stderr)
    return params


def predict(params, X, digits_only=False):
    W1, b1, W2, b2 = params
    z = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    return (z[:, :10] if digits_only else z).argmax(axis=1)


def write_c(params, path, ntrain):
    W1, b1, W2, b2 = params
    d = W1.shape[0]

    def arr(name, a):
        flat = a.reshape(-1)
        lines = []
        for i in range(0, len(flat), 6):
            lines.append("    " + ", ".join("%.7ef" % x for x in flat[i:i + 6]) + ",")
        return "const float %s[%d] = {\n%s\n};\n" % (name, len(flat), "\n".join(lines))

    with open(path, "w") as f:
        f.write("/*\n * digits_model.c: weights of the hand-printed digit classifier\n"
                " * (ocr/digits.c). Generated by scripts/train_digits.py from %d\n"
                " * rendered glyphs of %d fonts; do not edit, regenerate.\n */\n"
                % (ntrain, len(TRAIN_FONTS)))
        f.write('#include "ocr/ocr_internal.h"\n\n')
        f.write("#if OCR_DIGIT_INPUTS != %d || OCR_DIGIT_HIDDEN != %d || OCR_DIGIT_CLASSES != %d\n"
                "#error \"digits_model.c does not match ocr_internal.h: regenerate it\"\n#endif\n\n"
                % (d, HIDDEN, NCLASS))
        # generated data: laid out six numbers to a line, not by clang-format
        f.write("/* clang-format off */\n")
        f.write(arr("ocr__digit_w1", W1.T))     # hidden-major: one row per hidden unit
        f.write(arr("ocr__digit_b1", b1))
        f.write(arr("ocr__digit_w2", W2.T))     # class-major
        f.write(arr("ocr__digit_b2", b2))


def write_fixture(path):
    """The digits 0-9 in a hand the classifier never saw (DkgHandwriting
    Bold), upright, 34 px high, apart on one row: a 1-bpp PNG for
    tests/ocr/test_digits.c."""
    p = os.path.join(FONT_DIR, TEST_FONTS[2])
    fnt = ImageFont.truetype(p, font_size(p, 34))
    glyphs = []
    for d in "0123456789":
        img = Image.new("L", (120, 120), 0)
        ImageDraw.Draw(img).text((20, 20), d, font=fnt, fill=255)
        glyphs.append(crop(np.asarray(img) > 127))
    h = max(g.shape[0] for g in glyphs) + 20
    w = sum(g.shape[1] + 20 for g in glyphs) + 20
    row = np.zeros((h, w), dtype=bool)
    x = 20
    for g in glyphs:
        row[h - 10 - g.shape[0]:h - 10, x:x + g.shape[1]] = g
        x += g.shape[1] + 20
    Image.fromarray(~row).convert("1").save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="ocr/digits_model.c")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-font", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--test-fonts", action="store_true",
                    help="also report accuracy on the generator's hand fonts (never trained on)")
    ap.add_argument("--fixture", metavar="PNG",
                    help="write the test fixture (digits in an unseen hand) and stop")
    a = ap.parse_args()
    if a.fixture:
        write_fixture(a.fixture)
        return
    rng = random.Random(a.seed)
    np.random.seed(a.seed)
    X, Y = samples(TRAIN_FONTS, a.per_font, rng)
    print("%d training glyphs" % len(X), file=sys.stderr)
    params = train(X, Y, a.seed, a.epochs)
    acc = (predict(params, X) == Y).mean()
    print("training accuracy %.4f" % acc, file=sys.stderr)
    if a.test_fonts:
        for rel in TEST_FONTS:
            Xt, Yt = samples([rel], 400, random.Random(a.seed + 1), with_other=False)
            pr = predict(params, Xt)
            pd = predict(params, Xt, digits_only=True)
            print("%s: %.3f right, %.3f as not-a-digit; best digit right %.3f" % (
                os.path.basename(rel), (pr == Yt).mean(), (pr == 10).mean(), (pd == Yt).mean()),
                file=sys.stderr)
    write_c(params, a.out, len(X))


if __name__ == "__main__":
    main()
