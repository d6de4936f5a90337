"""Creates each missing Secret of the release once, with random content.

Runs in the cluster (never at render time), so a render holds no credential and is the
same on every run. A Secret that already exists is never read or changed: the API answers
409 Conflict and the script moves on. The ServiceAccount may only create Secrets.
Input: SECRETS, a JSON list of {"name", "labels", "annotations", "keys": {key: length}}.
"""
import base64
import json
import os
import secrets
import ssl
import string
import sys
import urllib.error
import urllib.request

SA = "/var/run/secrets/kubernetes.io/serviceaccount"
ALPHABET = string.ascii_letters + string.digits


def main() -> int:
    host = os.environ["KUBERNETES_SERVICE_HOST"]
    if ":" in host:
        host = f"[{host}]"
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    with open(f"{SA}/token", encoding="utf-8") as f:
        token = f.read().strip()
    with open(f"{SA}/namespace", encoding="utf-8") as f:
        namespace = f.read().strip()
    context = ssl.create_default_context(cafile=f"{SA}/ca.crt")
    url = f"https://{host}:{port}/api/v1/namespaces/{namespace}/secrets"
    for spec in json.loads(os.environ["SECRETS"]):
        data = {
            key: base64.b64encode(
                "".join(secrets.choice(ALPHABET) for _ in range(length)).encode()
            ).decode()
            for key, length in spec["keys"].items()
        }
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": spec["name"],
                "labels": spec["labels"],
                "annotations": spec.get("annotations", {}),
            },
            "type": "Opaque",
            "data": data,
        }
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, context=context, timeout=30)
            print(f"created Secret {spec['name']}")
        except urllib.error.HTTPError as err:
            if err.code == 409:
                print(f"Secret {spec['name']} exists; left unchanged")
                continue
            print(f"creating Secret {spec['name']} failed: HTTP {err.code}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
