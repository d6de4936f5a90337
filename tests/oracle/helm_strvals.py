"""Differential oracle: runs Helm's own strvals parser (helm-python-sdk, Helm v4) on cases.

stdin: JSON list of [function, expression]; stdout: JSON list of {"ok": true, "value": ...}
or {"ok": false, "error": "..."}, one per case, in order.
"""
import json
import sys

import helm_python

results = []
for fn, expr in json.load(sys.stdin):
    try:
        results.append({"ok": True, "value": getattr(helm_python, fn)(expr)})
    except Exception as err:  # Helm's rejection, whatever its exception type
        results.append({"ok": False, "error": str(err)})
json.dump(results, sys.stdout)
