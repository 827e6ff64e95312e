"""Render a Claim's print runs on the blank CMS-1500 at 300 dpi.

Three print styles:
  mono          fixed-pitch (Liberation Mono, 10 cpi) on the print grid, with a
                page-wide printer offset and a small per-line jitter
  proportional  Liberation Sans / DejaVu Sans, each field's text starting
                within +-0.5 character of its grid position, off the pitch
  handwritten   a handwriting font, per-character jitter, slight per-field
                rotation, pen color
All return (rgb uint8 array HxWx3, info dict).
"""

import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cms1500_fields import CELL_W, PAGE_H, PAGE_W, cell_xy

HERE = os.path.dirname(os.path.abspath(__file__))
FORM_CANDIDATES = [
    os.environ.get("CLAIMSCAN_BLANK_FORM", ""),
    os.path.join(HERE, "..", "forms", "cms1500-0212-blank-300dpi.png"),
    "/work/shared/forms/cms1500-0212-blank-300dpi.png",
]
FONT_DIRS = ["/usr/share/fonts/truetype"]
MONO_FONT = "liberation/LiberationMono-Regular.ttf"
PROP_FONTS = ["liberation/LiberationSans-Regular.ttf", "dejavu/DejaVuSans.ttf",
              "liberation/LiberationSansNarrow-Regular.ttf"]
HAND_FONTS = ["fifthhorseman/dkg.ttf", "fifthhorseman/dkgIt.ttf", "breip/Breip.ttf"]
# Overrides for robustness sets (generate.py --mono-size, --ink, --steady-hand):
MONO_SIZE = None     # fixed-pitch print size in px (default 43-46 at random)
INK_LEVEL = None     # gray level of printed data (default 0-35: black)
STEADY_HAND = False  # hand-filled: one size, no per-character jitter or tilt
MIXED_CASE = False   # proportional: text in mixed case (Lindqvist, Joyce)
OFF_GRID = False     # fixed-pitch print: the offset adds whole cells and lines

# Baseline of printed text, from the top of its 50-px cell.
BASELINE = 41

_form_cache = {}
_font_cache = {}


def blank_form():
    if "rgb" not in _form_cache:
        for p in FORM_CANDIDATES:
            if p and os.path.exists(p):
                im = Image.open(p).convert("RGB")
                assert im.size == (PAGE_W, PAGE_H), im.size
                _form_cache["rgb"] = np.asarray(im)
                break
        else:
            raise SystemExit("blank form not found; set CLAIMSCAN_BLANK_FORM")
    return _form_cache["rgb"]


def font(rel, size):
    key = (rel, size)
    if key not in _font_cache:
        path = rel if os.path.isabs(rel) else os.path.join(FONT_DIRS[0], rel)
        _font_cache[key] = ImageFont.truetype(path, size)
    return _font_cache[key]


def available_fonts(rels):
    return [r for r in rels if os.path.exists(os.path.join(FONT_DIRS[0], r))]


def compose(ink, ink_rgb):
    """Blend an ink coverage layer (L, 255 = full ink) over the blank form."""
    form = blank_form()
    a8 = np.asarray(ink)
    ys, xs = np.nonzero(a8)
    out = form.copy()
    if len(ys):
        a = a8[ys, xs].astype(np.float32)[:, None] * (1.0 / 255.0)
        f = form[ys, xs].astype(np.float32)
        col = np.asarray(ink_rgb, dtype=np.float32)[None, :]
        # ink over red ink is darker than either: take the minimum
        v = f * (1.0 - a) + np.minimum(f, col) * a
        out[ys, xs] = np.clip(v + 0.5, 0, 255).astype(np.uint8)
    return out


def render_mono(claim, rng, size=None):
    size = size or MONO_SIZE or rng.choice([43, 44, 45, 46])
    f = font(MONO_FONT, size)
    adv = f.getlength("M")
    # printer offset: up to half a character cell (30 x 50 px) either way,
    # small offsets more likely than large ones
    ox = rng.triangular(-15, 15, 0)
    oy = rng.triangular(-25, 25, 0)
    if OFF_GRID:
        # a sheet fed askew into the printer, a form typed by hand on a
        # typewriter: one to four cells right or one or two left (the
        # form's first cells lie two from the paper's edge), a line up or
        # down or none
        ox += rng.choice([-2, -1, 1, 2, 3, 4]) * CELL_W
        oy += rng.choice([-1, 0, 1]) * 50
    jitter = {}
    ink = Image.new("L", (PAGE_W, PAGE_H), 0)
    d = ImageDraw.Draw(ink)
    level = rng.randint(225, 255)
    for fid, line, col, text in claim.runs:
        if line not in jitter:
            jitter[line] = (rng.uniform(-1.5, 1.5), rng.uniform(-2.5, 2.5))
        jx, jy = jitter[line]
        x0, y0 = cell_xy(line, col)
        by = y0 + BASELINE + oy + jy
        for k, ch in enumerate(text):
            if ch == " ":
                continue
            x = x0 + k * CELL_W + ox + jx + (CELL_W - adv) / 2
            d.text((round(x), round(by)), ch, font=f, fill=level, anchor="ls")
    ink_rgb = [rng.randint(0, 35)] * 3
    if INK_LEVEL is not None:       # faint print: a worn ribbon, light toner
        ink_rgb = [max(0, min(255, INK_LEVEL + rng.randint(-10, 10)))] * 3
    info = {"style": "mono", "font": os.path.basename(MONO_FONT), "size": size,
            "offset": [round(ox, 1), round(oy, 1)]}
    return compose(ink, ink_rgb), info


def _runs_by_field(claim):
    out = {}
    for fid, line, col, text in claim.runs:
        out.setdefault(fid, []).append((line, col, text))
    return out


def _run_anchor(line, col, text, width_px):
    """Left x of a run as typed: right-aligned runs (leading blank) end at
    the last cell of the run, others start at their first cell."""
    x0, y0 = cell_xy(line, col)
    if text.startswith(" "):
        return x0 + len(text) * CELL_W - width_px - 2, y0
    return x0, y0


def _offset(rng, lim=15.0, minimum=3.0):
    v = rng.uniform(minimum, lim)
    return v if rng.random() < 0.5 else -v


def mixed_case(text):
    """Words of three letters or more capitalized (LINDQVIST, -> Lindqvist,);
    codes, numbers, states and MD/DO stay upper case."""
    out = []
    for tok in text.split(" "):
        core = tok.strip(",.")
        out.append(tok.replace(core, core.capitalize())
                   if core.isalpha() and len(core) >= 3 else tok)
    return " ".join(out)


def render_proportional(claim, rng):
    fonts = available_fonts(PROP_FONTS)
    rel = rng.choice(fonts)
    size = rng.choice([40, 42, 44, 46]) if "Narrow" not in rel else rng.choice([44, 46, 48])
    f = font(rel, size)
    ink = Image.new("L", (PAGE_W, PAGE_H), 0)
    d = ImageDraw.Draw(ink)
    page_dy = rng.uniform(-6, 6)
    for fid, runs in _runs_by_field(claim).items():
        # one typing position per field, off the 0.1-inch pitch
        fx = _offset(rng)
        fy = page_dy + rng.uniform(-6, 6)
        for line, col, text in runs:
            t = text.strip()
            if MIXED_CASE:
                t = mixed_case(t)
            w = f.getlength(t)
            if t == "X" and len(runs) == 1 and len(text) == 1:
                # check mark: centered on its box rather than typed
                x0, y0 = cell_xy(line, col)
                x = x0 + (CELL_W - w) / 2 + rng.uniform(-6, 6)
            else:
                x, y0 = _run_anchor(line, col, text, w)
                x += fx
            d.text((round(x), round(y0 + BASELINE + fy)), t, font=f, fill=255, anchor="ls")
    info = {"style": "proportional", "font": os.path.basename(rel), "size": size}
    return compose(ink, [rng.randint(0, 30)] * 3), info


def render_handwritten(claim, rng):
    fonts = available_fonts(HAND_FONTS)
    if not fonts:
        raise SystemExit("no handwriting font: apt-get install fonts-dkg-handwriting fonts-breip")
    rel = rng.choice(fonts)
    # pick the size that gives a cap height of about 28-34 px
    base = font(rel, 100)
    l, t, r, b = base.getbbox("H")
    cap = rng.uniform(28, 34)
    size = max(12, int(round(100 * cap / max(1, b - t))))
    fonts_sz = [font(rel, size + dz) for dz in (-2, 0, 2)]
    ink = Image.new("L", (PAGE_W, PAGE_H), 0)
    pen = rng.choice([(20, 30, 110), (25, 25, 30), (10, 20, 70), (35, 35, 45)])
    width = rng.choice([0, 0, 1])           # stroke weight of the pen
    for fid, runs in _runs_by_field(claim).items():
        fx = rng.uniform(-6, 14)            # people start a little inside the box
        fy = rng.uniform(-6, 4)
        angle = rng.uniform(-1.5, 1.5)
        for line, col, text in runs:
            t = text.strip()
            if t == "X" and len(text) == 1:
                # a check mark: two pen strokes across the box
                x0, y0 = cell_xy(line, col)
                cx = x0 + CELL_W / 2 + rng.uniform(-5, 5)
                cy = y0 + BASELINE - 14 + rng.uniform(-5, 3)
                r = rng.uniform(11, 16)
                pw = rng.choice([3, 4, 5])
                d = ImageDraw.Draw(ink)
                for sgn in (1, -1):
                    j = [rng.uniform(-3, 3) for _ in range(4)]
                    d.line([(cx - r + j[0], cy - sgn * r + j[1]), (cx + r + j[2], cy + sgn * r + j[3])],
                           fill=255, width=pw)
                continue
            # lay the characters out in a small tile, then rotate and paste
            chars = []
            x = 4.0
            for ch in t:
                fnt = rng.choice(fonts_sz)
                if STEADY_HAND:
                    fnt = fonts_sz[1]
                if ch == " ":
                    x += fnt.getlength(" ") * rng.uniform(0.9, 1.4)
                    continue
                jx, jy = rng.uniform(-1.5, 1.5), rng.uniform(-3, 3)
                chars.append((x + jx, 0.0 if STEADY_HAND else jy, ch, fnt))
                x += fnt.getlength(ch) * rng.uniform(0.95, 1.15) + rng.uniform(0, 3)
            tw = int(x + 12)
            th = 120
            tile = Image.new("L", (tw, th), 0)
            td = ImageDraw.Draw(tile)
            for cx, cy, ch, fnt in chars:
                td.text((cx, 80 + cy), ch, font=fnt, fill=255, anchor="ls",
                        stroke_width=width, stroke_fill=255)
            if abs(angle) > 0.2 and not STEADY_HAND:
                tile = tile.rotate(angle, resample=Image.BILINEAR, center=(4, 80))
            px, y0 = _run_anchor(line, col, text, x - 4)
            px += fx - 4
            py = y0 + BASELINE + fy - 80
            ink.paste(Image.new("L", tile.size, 255), (round(px), round(py)), tile)
    info = {"style": "handwritten", "font": os.path.basename(rel), "size": size,
            "pen": list(pen)}
    return compose(ink, pen), info


STYLES = {"mono": render_mono, "proportional": render_proportional,
          "handwritten": render_handwritten}
