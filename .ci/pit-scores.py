#!/usr/bin/env python3
"""Mutation scores from PIT's mutations.xml files (see docs/reliability.md).

Each argument is a mutations.xml. A mutant is identified by class, method, descriptor, line, mutator and index; it is
detected when any of the given runs detected it, so two runs over the same classes with different
tests (dual-repo-core's own tests, and dual-repo-processor's behaviour tests with crossModule) give their union.
"""
import collections
import sys
import xml.etree.ElementTree as ET

# As PIT counts them: a mutant that made the tests time out, run out of memory or error is detected too.
KILLED = {"KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"}

mutants = {}
for path in sys.argv[1:]:
    for m in ET.parse(path).getroot():
        key = tuple("".join(m.find(f).itertext()) if m.find(f) is not None else ""
                    for f in ("mutatedClass", "mutatedMethod", "methodDescription", "lineNumber", "mutator",
                              "indexes", "blocks", "description"))
        killed = m.get("status") in KILLED
        mutants[key] = mutants.get(key, False) or killed

by_class = collections.defaultdict(lambda: [0, 0])
for key, killed in mutants.items():
    cls = key[0].split("$")[0]
    by_class[cls][0] += killed
    by_class[cls][1] += 1
total_killed = sum(k for k, _ in by_class.values())
total = sum(n for _, n in by_class.values())
for cls, (k, n) in sorted(by_class.items(), key=lambda item: item[1][0] / item[1][1]):
    print(f"{k:5d}/{n:<5d} {100 * k / n:5.1f} %  {cls}")
print(f"total: {total_killed}/{total} mutants killed, {100 * total_killed / total:.1f} %")
