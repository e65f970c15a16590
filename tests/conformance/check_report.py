#!/usr/bin/env python3
"""Fails when a conformance case fails that known-failures.txt does not list (with its reason),
or when a listed case now passes (so the list only ever shrinks)."""
import json
import sys


def main():
    report_path, known_path = sys.argv[1], sys.argv[2]
    with open(report_path) as f:
        report = json.load(f)
    known = {}
    with open(known_path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, why = line.partition(" ")
            known[name] = why.strip()
    bad = 0
    for case in report["cases"]:
        if case["group"] == "unclassified":
            continue
        name = case["case"]
        if not case["passed"] and name not in known:
            bad += 1
            print("FAIL %s (%s): %s" % (name, case["group"], case.get("reason", "")))
            for d in case.get("diffs", []):
                print("     " + d)
        elif case["passed"] and name in known:
            bad += 1
            print("NOW PASSES %s: remove it from known-failures.txt" % name)
    for g, c in report["groups"].items():
        if c["total"]:
            print("group %-16s %d/%d" % (g, c["passed"], c["total"]))
    print("conformance %d/%d; %d known failures" % (report["passed"], report["total"], len(known)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
