"""Garbage collection of deleted runs (the CronJob of MLFlow.gc): `mlflow gc`.

`mlflow gc` permanently deletes runs, experiments and logged models in the `deleted`
lifecycle stage, rows and artifacts. The tracking server proxies artifacts, so runs record
`mlflow-artifacts:/…` URIs, and gc deletes those through an MLflow artifact server at
MLFLOW_TRACKING_URI (mlflow/cli/__init__.py, `gc`, at 3.17.2). The tracking server itself
may listen on loopback only (behind OAuth2-Proxy), so this pod starts its own artifact
server on loopback (`mlflow server --artifacts-only`, the same --artifacts-destination),
runs gc against it and the database, and stops it. Credentials come from the environment
(PGPASSWORD, AWS_*), never from arguments.
"""
import argparse
import os
import subprocess
import sys
import time
import urllib.request


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifacts-destination", required=True)
    ap.add_argument("--older-than", default="")
    ap.add_argument("--jobs", action="store_true")
    ap.add_argument("--port", default="5000")
    args = ap.parse_args()
    uri = f"http://127.0.0.1:{args.port}"
    # An --artifacts-only server refuses a backend store URI, which the pod's env carries.
    server_env = {k: v for k, v in os.environ.items() if k != "MLFLOW_BACKEND_STORE_URI"}
    server_env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    server = subprocess.Popen(
        ["mlflow", "server", "--artifacts-only", "--serve-artifacts",
         "--artifacts-destination", args.artifacts_destination,
         "--host", "127.0.0.1", "--port", args.port, "--workers", "1"],
        env=server_env,
    )
    try:
        deadline = time.time() + 180
        while True:
            if server.poll() is not None:
                print(f"mlflow-chart: the artifact server exited with {server.returncode}",
                      file=sys.stderr, flush=True)
                return 1
            try:
                if urllib.request.urlopen(uri + "/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                print("mlflow-chart: the artifact server did not become healthy in 180 s",
                      file=sys.stderr, flush=True)
                return 1
            time.sleep(1)
        cmd = ["mlflow", "gc", "--backend-store-uri", os.environ["MLFLOW_BACKEND_STORE_URI"]]
        if args.older_than:
            cmd += ["--older-than", args.older_than]
        if args.jobs:
            cmd.append("--jobs")
        print("mlflow-chart: running mlflow gc"
              + (f" --older-than {args.older_than}" if args.older_than else "")
              + (" --jobs" if args.jobs else ""), flush=True)
        return subprocess.call(cmd, env=dict(os.environ, MLFLOW_TRACKING_URI=uri))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
