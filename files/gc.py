"""Garbage collection of deleted runs (the CronJob of MLFlow.gc): `mlflow gc`.

`mlflow gc` permanently deletes runs, experiments and logged models in the `deleted`
lifecycle stage, rows and artifacts. The tracking server proxies artifacts, so runs record
`mlflow-artifacts:/…` URIs, and gc deletes those through an MLflow artifact server at
MLFLOW_TRACKING_URI (mlflow/cli/__init__.py, `gc`, at 3.17.2). The tracking server itself
may listen on loopback only (behind OAuth2-Proxy), so this pod starts its own artifact
server on loopback (`mlflow server --artifacts-only`, the same --artifacts-destination),
runs gc against it and the database, and stops it. Before that it looks for what would make
gc lose data or stop half-way (see `blockers`) and, if it finds any, runs nothing and says
what to do. Credentials come from the environment (PGPASSWORD, AWS_*), never from arguments.
"""
import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta


def threshold_ms(older_than: str) -> int:
    """Now minus the age, in ms, as `mlflow gc` computes it (its regex and timedelta)."""
    m = re.match(r"^((?P<days>[.\d]+?)d)?((?P<hours>[.\d]+?)h)?((?P<minutes>[.\d]+?)m)?"
                 r"((?P<seconds>[.\d]+?)s)?$", older_than)
    delta = timedelta(**{k: float(v) for k, v in m.groupdict().items() if v}) if m else timedelta()
    return int(time.time() * 1000) - int(delta.total_seconds() * 1000)


def blockers(uri: str, older_than: str) -> list:
    """What would make `mlflow gc` lose data or stop half-way, found before it runs.

    For each deleted experiment it collects (last_update_time older than the age), gc
    hard-deletes the experiment, and with it every run still in it: an active run (one
    restored after its experiment was deleted) would lose its rows and keep its artifacts.
    Its deleted runs must also be older than the age, or gc stops with an error
    (mlflow/cli/__init__.py, `_gc_tracking_resources`, at 3.17.2).
    """
    import sqlalchemy

    limit = threshold_ms(older_than) if older_than else None
    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)

    def in_collected_experiments(table, id_col, time_col):
        """(experiment, id, stage, time) of a table's rows in the experiments gc collects."""
        return conn.execute(sqlalchemy.text(
            f"SELECT e.experiment_id, x.{id_col}, x.lifecycle_stage, x.{time_col} "
            f"FROM experiments e JOIN {table} x ON x.experiment_id = e.experiment_id "
            "WHERE e.lifecycle_stage = 'deleted' "
            "AND (:limit IS NULL OR e.last_update_time < :limit)"), {"limit": limit}).fetchall()

    with engine.connect() as conn:
        runs = in_collected_experiments("runs", "run_uuid", "deleted_time")
        # Logged models go with their experiment too (an ORM cascade), without their
        # artifacts, unless gc collects them itself: deleted, and older than the age.
        models = in_collected_experiments("logged_models", "model_id", "last_updated_timestamp_ms")
    young = lambda t: limit is not None and (t is None or t > limit)
    found = []
    for exp, run, stage, deleted_time in runs:
        if stage == "active":
            found.append(f"experiment {exp} is deleted but its run {run} is active (restored?): "
                         "gc would delete the run's rows and leave its artifacts. Restore the "
                         f"experiment (mlflow experiments restore --experiment-id {exp}) or delete the run")
        elif young(deleted_time):
            found.append(f"experiment {exp} is old enough to collect, but its run {run} was "
                         f"deleted less than {older_than} ago: gc would stop with an error; "
                         "it is collected once the run is old enough")
    for exp, model, stage, updated in models:
        if stage != "deleted" or young(updated):
            found.append(f"experiment {exp} is deleted but its logged model {model} is "
                         f"{'active' if stage != 'deleted' else 'deleted less than ' + older_than + ' ago'}: "
                         "gc would delete the model's rows with the experiment and leave its artifacts. "
                         "Restore the experiment, or delete the model and let it age")
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifacts-destination", required=True)
    ap.add_argument("--older-than", default="")
    ap.add_argument("--jobs", action="store_true")
    ap.add_argument("--all-workspaces", action="store_true")
    ap.add_argument("--port", default="5000")
    args = ap.parse_args()
    found = blockers(os.environ["MLFLOW_BACKEND_STORE_URI"], args.older_than)
    if found:
        print("mlflow-chart: not running mlflow gc, which would lose data or stop half-way:",
              file=sys.stderr, flush=True)
        for f in found[:20]:
            print(f"  - {f}", file=sys.stderr, flush=True)
        return 2
    uri = f"http://127.0.0.1:{args.port}"
    # An --artifacts-only server refuses a backend store URI, which the pod's env carries.
    server_env = {k: v for k, v in os.environ.items() if k != "MLFLOW_BACKEND_STORE_URI"}
    server_env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    server_cmd = ["mlflow", "server", "--artifacts-only", "--serve-artifacts",
                  "--artifacts-destination", args.artifacts_destination,
                  "--host", "127.0.0.1", "--port", args.port, "--workers", "1"]
    if args.all_workspaces:
        # Workspace artifact paths (workspaces/<name>/…) are served only in workspaces mode,
        # which an --artifacts-only server enables with a workspace store: the database
        # (mlflow/cli/__init__.py, `server`, 3.17.2).
        server_cmd.append("--enable-workspaces")
        server_env["MLFLOW_WORKSPACE_STORE_URI"] = os.environ["MLFLOW_BACKEND_STORE_URI"]
    server = subprocess.Popen(server_cmd, env=server_env)
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
        # `mlflow gc --backend-store-uri URI`, the URI read from the environment in the child
        # (never an argument: with MySQL it holds the password).
        cmd = [sys.executable, "-c",
               "import os, sys; from mlflow.cli import cli; "
               "cli(['gc', '--backend-store-uri', os.environ['MLFLOW_BACKEND_STORE_URI']] + sys.argv[1:])"]
        if args.older_than:
            cmd += ["--older-than", args.older_than]
        if args.jobs:
            cmd.append("--jobs")
        if args.all_workspaces:
            cmd.append("--all-workspaces")
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
