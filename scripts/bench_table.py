#!/usr/bin/env python3
"""Print benchmark JSON lines as a table. Usage: bench_table.py FILE.jsonl..."""
import json
import sys

print(f"{'name':<40} {'value':>12} {'unit':<8} {'reference':<24} {'ratio':>8}")
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        ratio = f"{r['ratio']:.3f}" if r.get("ratio") is not None else "-"
        print(f"{r['name']:<40} {r['value']:>12.4g} {r['unit']:<8} "
              f"{r.get('reference') or '-':<24} {ratio:>8}")
