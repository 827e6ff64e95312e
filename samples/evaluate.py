#!/usr/bin/python3
"""Score `claimscan extract` output (JSON Lines) against generated truth files.

    /usr/bin/python3 samples/evaluate.py --truth DIR RECORDS.jsonl [--json] [--worst N] [--subset]

Records are matched to truth by the basename of "source" and the page number.
Per scan kind and overall it reports:
  pages        pages expected / pages with a record
  filled acc   share of fields with a non-empty truth whose value == truth
  empty acc    share of fields with an empty truth whose value is empty
  flagged      share of all fields with review true
  silent err   share of ALL fields whose value != truth and review is false
               (the critical number: wrong values nobody will look at)
  planted      deliberately wrong values (truth "errors") flagged on their field
A field missing from a record counts as the empty string, flagged if the
record's page-level "review" is true.  A page with no record counts as wrong
for every field, but not as silent (nothing was output for it); the worst
fields list counts only pages that have a record.
Always exits 0 (2 on usage errors).
"""

import argparse
import collections
import glob
import json
import os
import signal
import sys

KIND_ORDER = ["color300", "color200jpg", "gray300", "bw300", "dropout300", "skewed", "fax",
              "multipage", "proportional", "handwritten", "photo"]


def load_truth(d):
    pages = collections.OrderedDict()        # (basename, page) -> dict
    for fn in sorted(glob.glob(os.path.join(d, "*.truth.json"))):
        with open(fn) as f:
            t = json.load(f)
        src = os.path.basename(t["source"])
        kind = t.get("kind", "?")
        for p in t["pages"]:
            errs = p.get("errors")
            if errs is None:                  # older files: errors only at top level
                errs = t.get("errors", []) if len(t["pages"]) == 1 else []
            pages[(src, int(p.get("page", 1)))] = {
                "kind": kind, "fields": p["fields"], "errors": errs, "truth_file": fn}
    return pages


def load_records(path):
    recs, dups, bad = {}, 0, 0
    f = sys.stdin if path == "-" else open(path)
    with f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if not isinstance(r, dict) or "source" not in r:
                bad += 1
                continue
            key = (os.path.basename(str(r["source"])), int(r.get("page") or 1))
            if key in recs:
                dups += 1
                continue
            recs[key] = r
    return recs, dups, bad


def field_result(rec, fid):
    """(value, flagged) for a field of a record."""
    fields = rec.get("fields") or {}
    page_review = bool(rec.get("review"))
    f = fields.get(fid)
    if f is None:
        return "", page_review
    if isinstance(f, dict):
        v = f.get("value")
        rv = f.get("review")
        flagged = bool(rv) if rv is not None else page_review
    else:                                      # tolerate {"id": "value"}
        v, flagged = f, page_review
    return ("" if v is None else str(v)), flagged


class Stats:
    def __init__(self):
        self.pages = 0
        self.pages_rec = 0
        self.pages_form = 0          # record says form cms1500
        self.pages_silent = 0        # page with a wrong field and page review false
        self.fields = 0
        self.filled = 0
        self.filled_ok = 0
        self.empty = 0
        self.empty_ok = 0
        self.flagged = 0
        self.wrong = 0
        self.wrong_flagged = 0
        self.ok_flagged = 0
        self.silent = 0
        self.planted = 0
        self.planted_caught = 0

    def as_dict(self):
        def r(a, b):
            return round(a / b, 4) if b else None
        return {
            "pages": self.pages, "pages_with_record": self.pages_rec,
            "pages_form_cms1500": self.pages_form,
            "pages_silent": self.pages_silent,
            "fields": self.fields,
            "filled": self.filled, "filled_correct": self.filled_ok,
            "filled_accuracy": r(self.filled_ok, self.filled),
            "empty": self.empty, "empty_correct": self.empty_ok,
            "empty_accuracy": r(self.empty_ok, self.empty),
            "flagged": self.flagged, "flagged_share": r(self.flagged, self.fields),
            "wrong": self.wrong, "wrong_share": r(self.wrong, self.fields),
            "wrong_flagged": self.wrong_flagged, "correct_flagged": self.ok_flagged,
            "flag_recall": r(self.wrong_flagged, self.wrong),
            "flag_precision": r(self.wrong_flagged, self.flagged),
            "silent_wrong": self.silent, "silent_wrong_share": r(self.silent, self.fields),
            "planted_errors": self.planted, "planted_flagged": self.planted_caught,
            "all_planted_flagged": self.planted_caught == self.planted,
        }


def generic_id(fid):
    return "lineN_" + fid.split("_", 1)[1] if fid.startswith("line") and fid[4:5].isdigit() else fid


def evaluate(truth, recs, max_examples=3):
    per_kind = collections.OrderedDict()
    overall = Stats()
    per_field = collections.defaultdict(lambda: {"wrong": 0, "silent": 0, "filled": 0,
                                                 "filled_ok": 0, "examples": []})
    planted = []
    for (src, pno), tp in truth.items():
        kind = tp["kind"]
        st = per_kind.setdefault(kind, Stats())
        rec = recs.get((src, pno))
        page_wrong = False
        for s in (st, overall):
            s.pages += 1
            if rec is not None:
                s.pages_rec += 1
                if rec.get("form") == "cms1500":
                    s.pages_form += 1
        for fid, tv in tp["fields"].items():
            tv = tv or ""
            if rec is None:
                v, flagged, present = None, False, False
            else:
                v, flagged = field_result(rec, fid)
                present = True
            ok = present and v == tv
            silent = present and not ok and not flagged
            pf = per_field[fid]
            if tv:
                pf["filled"] += 1
                pf["filled_ok"] += ok
            if not ok and present:
                page_wrong = True
                pf["wrong"] += 1
                pf["silent"] += silent
                ex = {"source": src, "page": pno, "truth": tv, "value": v, "flagged": flagged}
                if silent:
                    # silent examples first, flagged ones only to fill up
                    flagged_ex = [e for e in pf["examples"] if e["flagged"]]
                    if len(pf["examples"]) < max_examples:
                        pf["examples"].append(ex)
                    elif flagged_ex:
                        pf["examples"].remove(flagged_ex[0])
                        pf["examples"].append(ex)
                elif len(pf["examples"]) < max_examples:
                    pf["examples"].append(ex)
            for s in (st, overall):
                s.fields += 1
                if tv:
                    s.filled += 1
                    s.filled_ok += ok
                else:
                    s.empty += 1
                    s.empty_ok += ok
                s.flagged += flagged
                if not ok:
                    s.wrong += 1
                    s.wrong_flagged += flagged
                    s.silent += silent
                elif flagged:
                    s.ok_flagged += 1
        if rec is not None and page_wrong and not rec.get("review"):
            st.pages_silent += 1
            overall.pages_silent += 1
        for e in tp["errors"]:
            etype, _, fid = e.partition(":")
            caught = False
            got = None
            if rec is not None:
                got, caught = field_result(rec, fid)
            for s in (st, overall):
                s.planted += 1
                s.planted_caught += caught
            planted.append({"source": src, "page": pno, "kind": kind, "error": e,
                            "truth": tp["fields"].get(fid, ""), "value": got,
                            "flagged": caught})
    return per_kind, overall, per_field, planted


def pct(x):
    return "   -  " if x is None else "%5.1f%%" % (100 * x)


def print_report(per_kind, overall, per_field, planted, extra, worst_n, out=sys.stdout):
    w = out.write
    hdr = "%-13s %9s %7s %7s %7s %7s %8s %7s %9s\n" % (
        "kind", "pages", "filled", "empty", "flagged", "wrong", "SILENT", "recall", "planted")
    w("Field accuracy by scan kind (silent = wrong and not flagged, share of all fields)\n\n")
    w(hdr)
    w("-" * (len(hdr) - 1) + "\n")
    rows = list(per_kind.items()) + [("OVERALL", overall)]
    for k, s in rows:
        d = s.as_dict()
        if k == "OVERALL":
            w("-" * (len(hdr) - 1) + "\n")
        w("%-13s %4d/%-4d %7s %7s %7s %7s %8s %7s %4d/%-4d\n" % (
            k, d["pages_with_record"], d["pages"], pct(d["filled_accuracy"]),
            pct(d["empty_accuracy"]), pct(d["flagged_share"]), pct(d["wrong_share"]),
            pct(d["silent_wrong_share"]), pct(d["flag_recall"]),
            d["planted_flagged"], d["planted_errors"]))
    d = overall.as_dict()
    w("\n%d fields on %d pages: %d wrong, %d of them flagged; %d wrong and NOT flagged; "
      "%d correct fields flagged.\n" % (d["fields"], d["pages"], d["wrong"], d["wrong_flagged"],
                                       d["silent_wrong"], d["correct_flagged"]))
    w("Pages with a wrong field but page review false: %d of %d with a record.\n"
      % (d["pages_silent"], d["pages_with_record"]))
    if extra["unmatched_records"] or extra["duplicate_records"] or extra["bad_lines"]:
        w("Records not matching any truth page: %d; duplicates ignored: %d; unreadable lines: %d\n"
          % (extra["unmatched_records"], extra["duplicate_records"], extra["bad_lines"]))

    w("\nDeliberately wrong values (truth \"errors\"): %d of %d flagged on their field%s\n" % (
        d["planted_flagged"], d["planted_errors"],
        "" if d["planted_errors"] == d["planted_flagged"] else " -- MISSED:"))
    for p in planted:
        if not p["flagged"]:
            w("  %-34s p%d %-34s printed %-12s read %s\n" % (
                p["source"], p["page"], p["error"], p["truth"], json.dumps(p["value"])))

    worst = sorted(((fid, s) for fid, s in per_field.items() if s["silent"] or s["wrong"]),
                   key=lambda x: (-x[1]["silent"], -x[1]["wrong"], x[0]))[:worst_n]
    if worst:
        w("\nWorst fields (most wrong and not flagged):\n")
        w("  %-34s %6s %6s %8s  examples (truth -> value)\n" % ("field", "silent", "wrong", "filled ok"))
        for fid, s in worst:
            exs = sorted(s["examples"], key=lambda e: e["flagged"])[:2]
            ex = "; ".join("%s -> %s%s" % (json.dumps(e["truth"]), json.dumps(e["value"]),
                                           " (flagged)" if e["flagged"] else "")
                           for e in exs)
            w("  %-34s %6d %6d %8s  %s\n" % (fid, s["silent"], s["wrong"],
                                             "%d/%d" % (s["filled_ok"], s["filled"]), ex))
    # the same grouped over service lines
    grouped = collections.defaultdict(lambda: [0, 0])
    for fid, s in per_field.items():
        g = grouped[generic_id(fid)]
        g[0] += s["silent"]
        g[1] += s["wrong"]
    gw = sorted(((k, v) for k, v in grouped.items() if k.startswith("lineN_") and v[1]),
                key=lambda x: (-x[1][0], -x[1][1]))
    if gw:
        w("\nService-line fields, all lines together (silent / wrong): " +
          ", ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in gw) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", required=True, help="directory with *.truth.json")
    ap.add_argument("records", help="claimscan extract output, JSON Lines ('-' = stdin)")
    ap.add_argument("--json", action="store_true", help="print a machine-readable summary")
    ap.add_argument("--worst", type=int, default=15, help="how many worst fields to list")
    ap.add_argument("--subset", action="store_true",
                    help="score only the truth files that have at least one record "
                         "(when extract ran on part of the set)")
    a = ap.parse_args(argv)
    truth = load_truth(a.truth)
    if not truth:
        print("no *.truth.json in %s" % a.truth, file=sys.stderr)
        return 2
    recs, dups, bad = load_records(a.records)
    if a.subset:
        seen = {src for src, _ in recs}
        truth = collections.OrderedDict((k, v) for k, v in truth.items() if k[0] in seen)
    unmatched = sorted("%s p%d" % k for k in recs if k not in truth)
    per_kind, overall, per_field, planted = evaluate(truth, recs)
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    per_kind = collections.OrderedDict(
        sorted(per_kind.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    extra = {"unmatched_records": len(unmatched), "duplicate_records": dups, "bad_lines": bad}
    if a.json:
        worst = sorted(((fid, s) for fid, s in per_field.items() if s["wrong"]),
                       key=lambda x: (-x[1]["silent"], -x[1]["wrong"], x[0]))
        out = {
            "overall": overall.as_dict(),
            "kinds": {k: s.as_dict() for k, s in per_kind.items()},
            "fields": {fid: {"wrong": s["wrong"], "silent_wrong": s["silent"],
                             "filled": s["filled"], "filled_correct": s["filled_ok"],
                             "examples": s["examples"]} for fid, s in worst},
            "planted": planted,
            "unmatched": unmatched,
        }
        out.update(extra)
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_report(per_kind, overall, per_field, planted, extra, a.worst)
    return 0


if __name__ == "__main__":
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)     # quiet under `| head`
    sys.exit(main())
