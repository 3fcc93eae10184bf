#!/usr/bin/env python3
"""Per-example medians of a `BENCH_PER_EXAMPLE=1 bench-validate.sh` log, and their ratios to jsonschema-rs.

usage: bench-validate-summary.py LOG

The log holds one or more rounds; each round has, per message type, our table (instance, bytes,
parsed val/s, incl. parse /s) and then the peers' lines for each example ("# peers on NAME").
For every example this prints the median over the rounds of our two rates and of jsonschema-rs's
two rates (already parsed, and with json.loads), and the ratios of the medians.
"""
import re
import statistics
import sys
from collections import defaultdict

ours = defaultdict(lambda: ([], []))    # (type, example) -> (parsed rates, with-parse rates)
peer = defaultdict(lambda: ([], []))
kind = None
example = None
for line in open(sys.argv[1], encoding="utf-8"):
    if m := re.match(r"^## (\S+)", line):
        kind = m.group(1)
    elif m := re.match(r"^(\S+\.json)\s+\d+\s+(\d+)\s+(\d+)\s*$", line):
        name = m.group(1).rsplit("/", 1)[-1]
        ours[(kind, name)][0].append(int(m.group(2)))
        ours[(kind, name)][1].append(int(m.group(3)))
    elif m := re.match(r"^# peers on (\S+)", line):
        example = m.group(1)
    elif m := re.match(r"^jsonschema-rs incl\. json\.loads\s+(\d+)", line):
        peer[(kind, example)][1].append(int(m.group(1)))
    elif m := re.match(r"^jsonschema-rs\s+(\d+)", line):
        peer[(kind, example)][0].append(int(m.group(1)))

rows = []
for key in ours:
    if key not in peer or not peer[key][0] or not peer[key][1]:
        continue
    o = [statistics.median(v) for v in ours[key]]
    p = [statistics.median(v) for v in peer[key]]
    rows.append((key, o, p, o[0] / p[0], o[1] / p[1], len(ours[key][0])))
if not rows:
    sys.exit("no examples with both our rates and jsonschema-rs's in the log")
print("| type | example | rounds | ours parsed/s | rs parsed/s | ratio | ours incl. parse/s | rs incl. json.loads/s | ratio |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for (kind, name), o, p, parsed, with_parse, n in rows:
    print(f"| {kind} | {name} | {n} | {o[0]:,.0f} | {p[0]:,.0f} | {parsed:.2f} | {o[1]:,.0f} | {p[1]:,.0f} | {with_parse:.2f} |")
parsed = [r[3] for r in rows]
with_parse = [r[4] for r in rows]
print(f"\nparsed: {min(parsed):.2f}–{max(parsed):.2f}x, {sum(r >= 1 for r in parsed)} of {len(rows)} examples >= 1x; "
      f"with parsing: {min(with_parse):.2f}–{max(with_parse):.2f}x, {sum(r >= 1 for r in with_parse)} of {len(rows)} >= 1x")
