"""Validates custom resources against a CustomResourceDefinition with python-jsonschema
(an implementation nobody on this team wrote): the served version's openAPIV3Schema, with
unknown fields refused wherever the schema does not preserve them (as the API server's
strict field validation does). CEL rules (x-kubernetes-validations) are not evaluated.

Usage: crd_validate.py CRD.yaml MANIFEST.yaml...   (exit 0 = every matching object valid;
prints `checked N` and one line per problem)
"""
import sys

import jsonschema
import yaml


def strict(node):
    """The schema with additionalProperties: false on every object that lists properties."""
    if isinstance(node, dict):
        out = {k: strict(v) for k, v in node.items() if not k.startswith("x-kubernetes-")}
        out.pop("nullable", None)
        if node.get("nullable"):
            t = out.get("type")
            if isinstance(t, str):
                out["type"] = [t, "null"]
        if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields") \
                and "additionalProperties" not in node:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [strict(x) for x in node]
    return node


def main():
    crd = yaml.safe_load(open(sys.argv[1]))
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    schemas = {f"{group}/{v['name']}": strict(v["schema"]["openAPIV3Schema"])
               for v in crd["spec"]["versions"] if v.get("served")}
    checked, failed = 0, 0
    for path in sys.argv[2:]:
        for doc in yaml.safe_load_all(open(path)):
            if not doc or doc.get("kind") != kind or doc.get("apiVersion") not in schemas:
                continue
            body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")}
            checked += 1
            for err in jsonschema.Draft7Validator(schemas[doc["apiVersion"]]).iter_errors(body):
                failed += 1
                print(f"{path}: {kind} {doc['metadata'].get('name')}: "
                      f"{'.'.join(str(p) for p in err.absolute_path)}: {err.message}")
    print(f"checked {checked}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
