"""Scan kinds: degradations of a rendered 300-dpi RGB page.

Each kind function takes the page(s) and random sources and writes one file.
KINDS maps the kind name to (print style, writer).  A writer is called as
writer(pages, path_without_ext, prng, nrng) with pages a list of uint8 RGB
arrays (one per page; only `multipage` gets more than one) and returns
(file name with extension, meta dict).
"""

import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from cms1500_fields import PAGE_H, PAGE_W
import render


# ------------------------------------------------------------ primitives

def luma(rgb):
    """ITU-R 601 luma of an RGB uint8 array, float32."""
    r, g, b = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    return r * np.float32(0.299) + g * np.float32(0.587) + b * np.float32(0.114)


def blur(img, radius):
    if radius <= 0.05:
        return img
    return img.filter(ImageFilter.GaussianBlur(radius))


def sensor_noise(arr, nrng, sigma, full=False):
    """Add scanner noise to a uint8 array (HxW or HxWx3).

    By default only pixels clearly darker than the paper get noise, growing
    with darkness: a calibrated scanner clips white paper to white, so the
    background stays clean (and the PNG small) while ink gets grainy.  full=True adds it everywhere (cameras, JPEG kinds)."""
    h, w = arr.shape[:2]
    if full:
        n = nrng.standard_normal((h, w), dtype=np.float32) * np.float32(sigma)
        a = arr.astype(np.int16)
        n16 = np.rint(n).astype(np.int16)
        a += n16[:, :, None] if a.ndim == 3 else n16
        return np.clip(a, 0, 255).astype(np.uint8)
    lum = arr if arr.ndim == 2 else np.asarray(Image.fromarray(arr).convert("L"))
    ys, xs = np.nonzero(lum < 150)
    if not len(ys):
        return arr
    sub = arr[ys, xs].astype(np.float32)
    lsub = lum[ys, xs].astype(np.float32)
    # full noise on black ink, a third of it on the red form (luma ~120)
    scale = np.clip((np.float32(150.0) - lsub) * np.float32(1 / 90.0), 0, 1)
    n = nrng.standard_normal(len(ys), dtype=np.float32) * np.float32(sigma) * scale
    sub += n[:, None] if sub.ndim == 2 else n
    out = arr.copy()
    out[ys, xs] = np.clip(sub + 0.5, 0, 255).astype(np.uint8)
    return out


def paper_tint(rgb, prng):
    """Multiply by an off-white paper color (lookup table, fast)."""
    tint = [prng.uniform(0.98, 1.0), prng.uniform(0.97, 0.995), prng.uniform(0.95, 0.99)]
    lut = []
    for t in tint:
        lut += [min(255, int(v * t + 0.5)) for v in range(256)]
    return np.asarray(Image.fromarray(rgb).point(lut))


def specks(mask, nrng, count, rmax=2):
    """Toggle `count` small round specks to True in a bool mask (dust)."""
    h, w = mask.shape
    ys = nrng.integers(0, h, count)
    xs = nrng.integers(0, w, count)
    rs = nrng.integers(0, rmax + 1, count)
    for y, x, r in zip(ys, xs, rs):
        if r == 0:
            mask[y, x] = True
        else:
            yy, xx = np.ogrid[-r:r + 1, -r:r + 1]
            disk = (yy * yy + xx * xx) <= r * r + (1 if nrng.random() < 0.5 else 0)
            y0, y1 = max(0, y - r), min(h, y + r + 1)
            x0, x1 = max(0, x - r), min(w, x + r + 1)
            mask[y0:y1, x0:x1] |= disk[y0 - (y - r):y1 - (y - r), x0 - (x - r):x1 - (x - r)]
    return mask


def to_bw(dark_mask):
    """bool mask (True = black) -> PIL mode '1' image (0 = black)."""
    return Image.fromarray(~dark_mask)


def save_g4(img1, path, dpi):
    img1.save(path, format="TIFF", compression="group4", dpi=dpi)


# --------------------------------------------------------- page effects

def scan_color(rgb, prng, nrng, noise=(1.5, 3.0), radius=(0.3, 0.7)):
    rgb = paper_tint(rgb, prng)
    img = blur(Image.fromarray(rgb), prng.uniform(*radius))
    return sensor_noise(np.asarray(img), nrng, prng.uniform(*noise))


def scan_gray(rgb, prng, nrng, noise=(1.5, 3.0), radius=(0.4, 0.8)):
    g = Image.fromarray(rgb).convert("L")
    g = blur(g, prng.uniform(*radius))
    arr = np.asarray(g).astype(np.float32)
    # slightly different scanner gamma / paper level per page
    gain = prng.uniform(0.97, 1.0)
    arr = np.clip(arr * gain + prng.uniform(-2, 0), 0, 255).astype(np.uint8)
    return sensor_noise(arr, nrng, prng.uniform(*noise))


def bw_form_black(rgb, prng, nrng):
    """Luminance threshold: red form lines (luma ~120) turn black."""
    g = blur(Image.fromarray(rgb).convert("L"), prng.uniform(0.5, 0.9))
    lum = np.asarray(g).astype(np.float32)
    lum += nrng.standard_normal(lum.shape, dtype=np.float32) * np.float32(prng.uniform(4, 10))
    dark = lum < prng.uniform(150, 185)
    n = int(prng.uniform(200, 1500))
    specks(dark, nrng, n, rmax=2)
    # a few white specks (dropouts) in black areas
    white = specks(np.zeros_like(dark), nrng, n // 4, rmax=1)
    dark &= ~white
    return dark


def bw_dropout(rgb, prng, nrng):
    """Red-channel threshold (a scanner with red dropout): the red form is gone."""
    r = blur(Image.fromarray(rgb[:, :, 0]), prng.uniform(0.5, 0.9))
    v = np.asarray(r).astype(np.float32)
    v += nrng.standard_normal(v.shape, dtype=np.float32) * np.float32(prng.uniform(4, 10))
    dark = v < prng.uniform(110, 150)
    specks(dark, nrng, int(prng.uniform(100, 800)), rmax=2)
    return dark


# ------------------------------------------------------------- writers

def w_color300(pages, base, prng, nrng):
    arr = scan_color(pages[0], prng, nrng)
    fn = base + ".png"
    Image.fromarray(arr).save(fn, dpi=(300, 300))
    return fn, {"dpi": [300, 300]}


def w_color200jpg(pages, base, prng, nrng):
    arr = scan_color(pages[0], prng, nrng, noise=(2, 4))
    img = Image.fromarray(arr).resize((PAGE_W * 2 // 3, PAGE_H * 2 // 3), Image.LANCZOS)
    q = int(prng.uniform(70, 80))
    fn = base + ".jpg"
    img.save(fn, quality=q, dpi=(200, 200))
    return fn, {"dpi": [200, 200], "jpeg_quality": q}


def w_gray300(pages, base, prng, nrng):
    arr = scan_gray(pages[0], prng, nrng)
    fn = base + ".png"
    Image.fromarray(arr).save(fn, dpi=(300, 300))
    return fn, {"dpi": [300, 300]}


def w_bw300(pages, base, prng, nrng):
    fn = base + ".tif"
    save_g4(to_bw(bw_form_black(pages[0], prng, nrng)), fn, (300, 300))
    return fn, {"dpi": [300, 300]}


def w_dropout300(pages, base, prng, nrng):
    fn = base + ".tif"
    save_g4(to_bw(bw_dropout(pages[0], prng, nrng)), fn, (300, 300))
    return fn, {"dpi": [300, 300]}


def _affine_page(img, prng, fill):
    """Rotate by up to 5 degrees, scale 0.97-1.03, shift up to 0.5 in.
    The canvas grows where needed so no part of the form is cut off."""
    angle = prng.uniform(-5, 5)
    while abs(angle) < 0.5:
        angle = prng.uniform(-5, 5)
    scale = prng.uniform(0.97, 1.03)
    tx, ty = prng.uniform(-150, 150), prng.uniform(-150, 150)
    th = np.deg2rad(angle)
    c, s = np.cos(th) * scale, np.sin(th) * scale
    cx, cy = PAGE_W / 2, PAGE_H / 2
    # forward: p' = M (p - c) + c + t      (y down; positive angle = counter-clockwise)
    M = np.array([[c, s], [-s, c]])

    def fwd(x, y):
        v = M @ np.array([x - cx, y - cy])
        return v[0] + cx + tx, v[1] + cy + ty

    content = [(40, 30), (PAGE_W - 40, 30), (40, PAGE_H - 40), (PAGE_W - 40, PAGE_H - 40)]
    pts = [fwd(x, y) for x, y in content]
    minx = min(0, int(np.floor(min(p[0] for p in pts))) - 20)
    miny = min(0, int(np.floor(min(p[1] for p in pts))) - 20)
    maxx = max(PAGE_W, int(np.ceil(max(p[0] for p in pts))) + 20)
    maxy = max(PAGE_H, int(np.ceil(max(p[1] for p in pts))) + 20)
    W, H = maxx - minx, maxy - miny
    # inverse map for PIL: input = Minv (out + origin - c - t) + c
    Minv = np.linalg.inv(M)
    ox, oy = minx - cx - tx, miny - cy - ty
    a, b = Minv[0]
    d, e = Minv[1]
    coeffs = (a, b, a * ox + b * oy + cx, d, e, d * ox + e * oy + cy)
    out = img.transform((W, H), Image.AFFINE, coeffs, resample=Image.BILINEAR, fillcolor=fill)
    # where the page's own corner (0,0) landed in the output image
    p0 = fwd(0, 0)
    meta = {"angle_deg": round(angle, 3), "scale": round(scale, 4),
            "shift_px": [round(tx, 1), round(ty, 1)],
            "page_origin_px": [round(p0[0] - minx, 1), round(p0[1] - miny, 1)],
            "size": [W, H]}
    return out, meta


def w_skewed(pages, base, prng, nrng):
    gray = prng.random() < 0.4
    rgb = paper_tint(pages[0], prng)
    img = Image.fromarray(rgb)
    if gray:
        img = img.convert("L")
    bg = int(prng.choice([30, 60, 200, 235]))
    img, meta = _affine_page(img, prng, bg if gray else (bg, bg, bg))
    img = blur(img, prng.uniform(0.6, 1.2))
    arr = sensor_noise(np.asarray(img), nrng, prng.uniform(2, 5), full=True)
    q = int(prng.uniform(55, 80))
    fn = base + ".jpg"
    Image.fromarray(arr).save(fn, quality=q, dpi=(300, 300))
    meta.update({"dpi": [300, 300], "mode": "gray" if gray else "color", "jpeg_quality": q})
    return fn, meta


FAX_W, FAX_H = 1728, 1078      # 8.47 in x 204 dpi (the G3 line), 11 in x 98 dpi


def _fax_header(gray_img, prng):
    d = ImageDraw.Draw(gray_img)
    try:
        f = ImageFont.truetype(os.path.join(render.FONT_DIRS[0], render.MONO_FONT), 28)
    except OSError:
        return
    txt = "%02d/%02d/%04d %02d:%02d  FAX %03d%07d   PAGE 01/01" % (
        prng.randint(1, 12), prng.randint(1, 28), prng.randint(2023, 2025),
        prng.randint(0, 23), prng.randint(0, 59), prng.randint(200, 989),
        prng.randint(0, 9999999))
    d.text((700, 8), txt, font=f, fill=0)


def w_fax(pages, base, prng, nrng):
    g = Image.fromarray(pages[0]).convert("L")
    _fax_header(g, prng)
    # the sending fax scans at 204 x 98 dpi: average 1.47 x 3.06 source pixels
    g = g.resize((FAX_W, FAX_H), Image.BOX, box=(0, 0, FAX_W * 300 / 204, PAGE_H))
    arr = np.asarray(g).astype(np.float32)
    arr += nrng.standard_normal(arr.shape, dtype=np.float32) * np.float32(prng.uniform(3, 8))
    # darken a little (fax scanners are contrasty), then error-diffusion dither:
    # mid-gray red lines break into dots, black data stays mostly solid
    arr = np.clip((arr - 128) * prng.uniform(1.0, 1.25) + 128 + prng.uniform(0, 25), 0, 255)
    bw = Image.fromarray(arr.astype(np.uint8)).convert("1")    # Floyd-Steinberg
    dark = ~np.asarray(bw)
    specks(dark, nrng, int(prng.uniform(100, 500)), rmax=1)
    # occasional dropped scan lines (white streaks)
    for _ in range(prng.randint(0, 3)):
        y = prng.randint(0, FAX_H - 1)
        dark[y, :] = False
    fn = base + ".tif"
    save_g4(to_bw(dark), fn, (204, 98))
    return fn, {"dpi": [204, 98], "size": [FAX_W, FAX_H]}


def w_multipage(pages, base, prng, nrng):
    gray = prng.random() < 0.3
    imgs = []
    for rgb in pages:
        if gray:
            imgs.append(Image.fromarray(scan_gray(rgb, prng, nrng, noise=(1, 2))))
        else:
            imgs.append(to_bw(bw_form_black(rgb, prng, nrng)))
    fn = base + ".tif"
    comp = "tiff_adobe_deflate" if gray else "group4"
    imgs[0].save(fn, format="TIFF", save_all=True, append_images=imgs[1:],
                 compression=comp, dpi=(300, 300))
    return fn, {"dpi": [300, 300], "mode": "gray" if gray else "bw", "pages": len(pages)}


def w_proportional(pages, base, prng, nrng):
    # a color 300-dpi scan, stored as JPEG to keep the files small
    arr = scan_color(pages[0], prng, nrng)
    q = int(prng.uniform(75, 88))
    fn = base + ".jpg"
    Image.fromarray(arr).save(fn, quality=q, dpi=(300, 300))
    return fn, {"dpi": [300, 300], "mode": "color", "jpeg_quality": q}


def w_handwritten(pages, base, prng, nrng):
    if prng.random() < 0.5:
        arr = scan_gray(pages[0], prng, nrng)
        mode = "gray"
    else:
        arr = scan_color(pages[0], prng, nrng)
        mode = "color"
    q = int(prng.uniform(75, 88))
    fn = base + ".jpg"
    Image.fromarray(arr).save(fn, quality=q, dpi=(300, 300))
    return fn, {"dpi": [300, 300], "mode": mode, "jpeg_quality": q}


def _perspective_coeffs(dst, src):
    """PIL PERSPECTIVE coefficients mapping output points dst -> input src."""
    A, B = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        B += [u, v]
    return np.linalg.solve(np.array(A, float), np.array(B, float)).tolist()


def w_photo(pages, base, prng, nrng):
    W, H = prng.choice([(2448, 3264), (2250, 3000), (1836, 2448), (1536, 2048), (2736, 3648)])
    # page size in the photo: the page height fills 82-94 % of the frame
    ph = H * prng.uniform(0.82, 0.94)
    pw = ph * PAGE_W / PAGE_H
    cx, cy = W / 2 + prng.uniform(-0.03, 0.03) * W, H / 2 + prng.uniform(-0.03, 0.03) * H
    rect = [(cx - pw / 2, cy - ph / 2), (cx + pw / 2, cy - ph / 2),
            (cx + pw / 2, cy + ph / 2), (cx - pw / 2, cy + ph / 2)]
    corners = [(x + prng.uniform(-0.03, 0.03) * pw, y + prng.uniform(-0.03, 0.03) * ph)
               for x, y in rect]
    src = [(0, 0), (PAGE_W, 0), (PAGE_W, PAGE_H), (0, PAGE_H)]
    coeffs = _perspective_coeffs(corners, src)
    page = Image.fromarray(paper_tint(pages[0], prng))
    warped = page.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BILINEAR,
                            fillcolor=(0, 0, 0))
    mask = Image.new("L", page.size, 255).transform((W, H), Image.PERSPECTIVE, coeffs,
                                                   resample=Image.BILINEAR, fillcolor=0)
    # background: a desk, smooth color with some grain
    base_col = np.array(prng.choice([(92, 70, 52), (150, 120, 90), (60, 60, 65),
                                     (190, 185, 175), (40, 45, 60)]), np.float32)
    yy, xx = np.mgrid[0:H:8, 0:W:8].astype(np.float32)
    gx, gy = prng.uniform(-0.3, 0.3), prng.uniform(-0.3, 0.3)
    g = 1 + gx * (xx / W - 0.5) + gy * (yy / H - 0.5)
    bg_small = np.clip(base_col[None, None, :] * g[:, :, None], 0, 255).astype(np.uint8)
    bg = Image.fromarray(bg_small).resize((W, H), Image.BILINEAR)
    img = Image.composite(warped, bg, mask)
    # uneven lighting: a smooth gradient plus a soft light spot / shadow
    lx, ly = prng.uniform(0, W), prng.uniform(0, H)
    r2 = ((xx - lx) ** 2 + (yy - ly) ** 2) / float(max(W, H) ** 2)
    light = (prng.uniform(0.8, 0.95) + prng.uniform(0.1, 0.25) * np.exp(-r2 * prng.uniform(1, 4))
             + prng.uniform(-0.12, 0.12) * (xx / W - 0.5) + prng.uniform(-0.12, 0.12) * (yy / H - 0.5))
    if prng.random() < 0.4:       # a soft shadow band (hand / phone)
        sx = prng.uniform(0, W)
        light = light * (1 - prng.uniform(0.1, 0.3) / (1 + np.exp(-(xx - sx) / (0.03 * W))))
    light_img = Image.fromarray(np.clip(light * 200, 0, 255).astype(np.uint8)).resize((W, H), Image.BILINEAR)
    arr = np.asarray(img).astype(np.float32)
    arr *= (np.asarray(light_img).astype(np.float32) * np.float32(1 / 200.0))[:, :, None]
    # warm/cool white balance
    arr *= np.array([prng.uniform(0.95, 1.05), 1.0, prng.uniform(0.9, 1.05)], np.float32)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    img = blur(Image.fromarray(arr), prng.uniform(0.8, 1.8))
    arr = sensor_noise(np.asarray(img), nrng, prng.uniform(2, 5), full=True)
    q = int(prng.uniform(75, 88))
    fn = base + ".jpg"
    tag = prng.choice(["none", "72"])
    kw = {"quality": q}
    if tag == "72":
        kw["dpi"] = (72, 72)
    Image.fromarray(arr).save(fn, **kw)
    return fn, {"size": [W, H], "page_corners_px": [[round(x, 1), round(y, 1)] for x, y in corners],
                "dpi_tag": tag, "jpeg_quality": q}


KINDS = {
    "color300": ("mono", w_color300),
    "color200jpg": ("mono", w_color200jpg),
    "gray300": ("mono", w_gray300),
    "bw300": ("mono", w_bw300),
    "dropout300": ("mono", w_dropout300),
    "skewed": ("mono", w_skewed),
    "fax": ("mono", w_fax),
    "multipage": ("mono", w_multipage),
    "proportional": ("proportional", w_proportional),
    "handwritten": ("handwritten", w_handwritten),
    "photo": ("mono", w_photo),
}
