#!/usr/bin/python3
"""Generate synthetic filled CMS-1500 claims as scans of several kinds.

    /usr/bin/python3 samples/generate.py --out DIR --count N --seed S [--kinds k1,k2,...] [--jobs J]

For claim i (1..N) and each requested kind, writes DIR/claim<i>_<kind>.<ext>
and DIR/claim<i>_<kind>.truth.json.  The claim data depends only on
(seed, i), so every kind of claim i shows the same claim; the print jitter and
the scan degradation depend on (seed, i, kind).  Output is deterministic for a
given seed.  See samples/README.md.
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import claims  # noqa: E402
import render  # noqa: E402
import scan  # noqa: E402

ALL_KINDS = list(scan.KINDS)


def claim_rng(seed, idx, page=1):
    return random.Random("claim:%d:%d:%d" % (seed, idx, page))


def generate_one(out, seed, idx, kind, style=None):
    """style: overrides of render's print settings (mono_font, hand_font,
    mono_size, ink_level, steady_hand), for robustness sets."""
    style = style or {}
    if style.get("mono_font"):
        render.MONO_FONT = style["mono_font"]
    if style.get("hand_font"):
        render.HAND_FONTS = [style["hand_font"]]
    render.MONO_SIZE = style.get("mono_size")
    render.INK_LEVEL = style.get("ink_level")
    render.STEADY_HAND = bool(style.get("steady_hand"))
    render.MIXED_CASE = bool(style.get("mixed_case"))
    render.OFF_GRID = bool(style.get("off_grid"))
    style, writer = scan.KINDS[kind]
    prng = random.Random("scan:%d:%d:%s" % (seed, idx, kind))
    nrng = np.random.default_rng([seed & 0xFFFFFFFF, idx, ALL_KINDS.index(kind), 1500])
    npages = prng.choice([2, 3]) if kind == "multipage" else 1
    pages, truth_pages, prints = [], [], []
    for p in range(1, npages + 1):
        c = claims.make_claim(claim_rng(seed, idx, p))
        rgb, pinfo = render.STYLES[style](c, prng)
        pages.append(rgb)
        tp = c.to_truth_page(p)
        tp["errors"] = list(c.errors)
        truth_pages.append(tp)
        prints.append(pinfo)
    name = "claim%04d_%s" % (idx, kind)
    fn, smeta = writer(pages, os.path.join(out, name), prng, nrng)
    errors = [e for tp in truth_pages for e in tp["errors"]]
    truth = {"source": os.path.basename(fn), "kind": kind, "pages": truth_pages,
             "errors": errors,
             "meta": {"seed": seed, "claim": idx, "print": prints, "scan": smeta}}
    with open(os.path.join(out, name + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    return fn


def _work(args):
    return generate_one(*args)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--count", type=int, default=10, help="number of claims")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(ALL_KINDS),
                    help="comma-separated scan kinds (default: all): " + ",".join(ALL_KINDS))
    ap.add_argument("--start", type=int, default=1, help="number of the first claim")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--mono-font", default=None,
                    help="font file of the fixed-pitch print (default: %s; a path, or "
                         "relative to %s), e.g. "
                         "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf "
                         "(Courier, package fonts-urw-base35)" % (render.MONO_FONT, render.FONT_DIRS[0]))
    ap.add_argument("--hand-font", default=None,
                    help="font file of the hand-filled kind (default: one of %s, at random); "
                         "e.g. /usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf "
                         "(package fonts-bwht)" % ", ".join(render.HAND_FONTS))
    ap.add_argument("--mono-size", type=int, default=None,
                    help="size of the fixed-pitch print in pixels at 300 dpi (default 43-46 "
                         "at random; 36 is small print, 52 large)")
    ap.add_argument("--ink", type=int, default=None,
                    help="gray level of the printed data, 0-255 (default 0-35, black); "
                         "120-150 is faint print (a worn ribbon)")
    ap.add_argument("--mixed-case", action="store_true",
                    help="proportional kind: words typed in mixed case (Lindqvist, Joyce; codes and "
                         "states stay upper case); "
                         "the truth stays upper case, as the spec writes values")
    ap.add_argument("--steady-hand", action="store_true",
                    help="hand-filled kind: one size, every character on the baseline, "
                         "no tilt (default: a hand's jitter)")
    ap.add_argument("--off-grid", action="store_true",
                    help="fixed-pitch kinds: the print is off the grid by whole characters "
                         "(1-4 right or 1-2 left) and a line up or down or none, besides the usual "
                         "offset of up to half a character")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    kinds = [k.strip() for k in a.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in scan.KINDS]
    if bad:
        ap.error("unknown kind(s): %s (known: %s)" % (",".join(bad), ",".join(ALL_KINDS)))
    os.makedirs(a.out, exist_ok=True)
    for fnt in (a.mono_font, a.hand_font):
        path = fnt and (fnt if os.path.isabs(fnt) else os.path.join(render.FONT_DIRS[0], fnt))
        if path and not os.path.exists(path):
            ap.error("no such font: %s" % path)
    if a.ink is not None and not 0 <= a.ink <= 255:
        ap.error("--ink must be 0-255")
    style = {"mono_font": a.mono_font, "hand_font": a.hand_font, "mono_size": a.mono_size,
             "ink_level": a.ink, "steady_hand": a.steady_hand, "mixed_case": a.mixed_case,
             "off_grid": a.off_grid}
    tasks = [(a.out, a.seed, i, k, style) for i in range(a.start, a.start + a.count)
             for k in kinds]
    t0 = time.time()
    if a.jobs > 1:
        import multiprocessing as mp
        with mp.Pool(a.jobs) as pool:
            for fn in pool.imap(_work, tasks):
                if not a.quiet:
                    print(fn, flush=True)
    else:
        render.blank_form()
        for t in tasks:
            fn = generate_one(*t)
            if not a.quiet:
                print(fn, flush=True)
    if not a.quiet:
        print("%d files in %.1f s" % (len(tasks), time.time() - t0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
