#!/usr/bin/env python3
"""Compare `pm check --format json` output with the defects gen_reports.py injected.

    python3 bench/compare_defects.py CORPUS PM_JSON

CORPUS is the folder gen_reports.py wrote (it holds expected-defects.json); PM_JSON is the
output of `pm -C CORPUS check --format json`. Prints, per rule code, how many injected
defects pm reported (recall), and how many reports with no injected defect got a diagnostic
(each one is a false positive of pm or a flaw of the generator: look at it). Exit code 0;
this is a report, not a test.
"""

from __future__ import annotations

import collections
import json
import os
import sys


def norm(path: str) -> str:
    path = path.replace("\\", "/")
    i = path.find("postmortems/")
    return path[i:] if i >= 0 else path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    corpus, pm_json = argv
    with open(os.path.join(corpus, "expected-defects.json")) as f:
        meta = json.load(f)
    expected: dict[str, list[str]] = meta["expected"]
    try:
        with open(pm_json) as f:
            out = json.load(f)
    except (OSError, ValueError) as e:
        print(f"cross-check: cannot read pm's JSON output ({e})")
        return 0
    diags = out.get("diagnostics", [])
    got: dict[str, set[str]] = collections.defaultdict(set)
    sev: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    by_code = collections.Counter()
    for d in diags:
        p = norm(str(d.get("path", "")))
        got[p].add(d.get("code", "?"))
        sev[p][d.get("severity", "?")] += 1
        by_code[d.get("code", "?")] += 1

    summary = out.get("summary", {})
    n = meta["reports"]
    if summary.get("files") not in (None, n):
        print(f"cross-check: WARNING pm checked {summary.get('files')} files, the corpus has {n}")

    found = collections.Counter()
    want = collections.Counter()
    missed_examples: dict[str, str] = {}
    dups: dict[str, str] = meta.get("id_duplicates", {})
    originals = set(dups.values())
    for path, codes in expected.items():
        for c in codes:
            want[c] += 1
            if c in got.get(path, ()) or (c == "PM601" and "PM601" in got.get(dups.get(path, ""), ())):
                found[c] += 1
            else:
                missed_examples.setdefault(c, path)
    clean_flagged = collections.Counter()
    clean_examples: dict[str, str] = {}
    clean_with_errors = 0
    for path, codes in got.items():
        if path in expected:
            continue
        if path in originals and codes == {"PM601"}:
            continue  # the report whose id another one copied
        if sev[path].get("error"):
            clean_with_errors += 1
        for c in codes:
            clean_flagged[c] += 1
            clean_examples.setdefault(c, path)

    total_want, total_found = sum(want.values()), sum(found.values())
    print(f"cross-check: pm reported {len(diags)} diagnostics ({summary.get('errors', '?')} errors, "
          f"{summary.get('warnings', '?')} warnings) in {len(got)} files")
    print(f"cross-check: injected defects found {total_found}/{total_want}"
          + (f" ({100 * total_found / total_want:.1f}%)" if total_want else ""))
    misses = [c for c in sorted(want) if found[c] < want[c]]
    if misses:
        print("  missed by code: " + ", ".join(f"{c} {want[c] - found[c]}/{want[c]}" for c in misses))
        for c in misses[:8]:
            print(f"    e.g. {c}: {missed_examples[c]}")
    clean_n = n - len(expected)
    flagged_files = sum(1 for p, c in got.items() if p not in expected and not (p in originals and c == {"PM601"}))
    print(f"cross-check: clean reports with any diagnostic: {flagged_files}/{clean_n} "
          f"({clean_with_errors} with errors)")
    if clean_flagged:
        print("  codes on clean reports: " + ", ".join(f"{c} {k}" for c, k in clean_flagged.most_common()))
        for c, _ in clean_flagged.most_common(8):
            print(f"    e.g. {c}: {clean_examples[c]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
