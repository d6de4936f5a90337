"""YAML 1.1 oracle: prints the documents of each file as PyYAML (safe_load_all) reads
them, as one JSON list per file, so the test can compare with our own parse."""
import json
import sys

import yaml

out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        out[path] = [d for d in yaml.safe_load_all(f) if d is not None]
json.dump(out, sys.stdout, default=str)
