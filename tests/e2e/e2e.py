"""End-to-end: runs the rendered MLflow pod's programs for real, on loopback.

For one scenario it
1. renders the chart with the binary;
2. takes the MLflow container's (and its init container's) command, args and env exactly
   as a kubelet would: literal values, secretKeyRef resolved from rendered Secrets, or from
   fixtures for Secrets that come from outside or that the in-cluster generator Job would
   create, and $(VAR) expansion; service DNS names are mapped to loopback ports;
3. starts PostgreSQL 15 (Debian) with the rendered database/user, created by the rendered
   init script, and an S3 server standing in for MinIO (moto_server: MinIO's server is not
   installable here);
4. runs the rendered schema-migration step with its own command (twice, and once against a
   schema revision only a newer MLflow knows, which it must refuse); the bucket Job's `mc` is
   not installable here, so the test creates the bucket with boto3 from the Job's env and
   leaves it without any anonymous policy (private), which is what `mc` does;
5. starts `mlflow server` with the rendered command line and env (only the port is a free
   one instead of 5000, and 0.0.0.0 becomes 127.0.0.1: loopback only);
6. with the MLflow client and no AWS credentials in its environment: creates an
   experiment, logs params, metrics and an artifact, lists and downloads the artifact, and
   checks the object landed in the bucket under the run's path;
   with MLFlow.gc: deletes the run and runs the rendered CronJob's command (files/gc.py)
   twice: within olderThan (1d) the run survives; with its deletion time moved two days
   back, its rows and objects are gone while
   a live run is untouched; the cut-over procedure of docs/migration.md (pg_dump, then
   pg_restore as the new release's user, then the migration step) keeps every run;
7. stops everything it started, whatever happened.

Usage: e2e.py --binary PATH --scenario NAME   (exit 0 = passed)
"""
import argparse
import base64
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_BIN = "/usr/lib/postgresql/15/bin"
VENV_BIN = os.path.dirname(sys.executable)

SCENARIOS = {
    # In-release PostgreSQL + MinIO; credentials generated in the cluster (fixtures
    # stand in for the generator Job, from the names and keys the render gives it).
    # With an ingress host, so the browser checks (Host, Origin) are exercised too.
    "in-release": {
        "values": "tests/scenarios/default.yaml",
        "fixtures": {},
        "set": ["ingress.enabled=true,ingress.hosts[0].host=mlflow.example.org,"
                "ingress.tls[0].hosts[0]=mlflow.example.org,ingress.tls[0].secretName=tls",
                "metrics.enabled=true",
                "MLFlow.gc.enabled=true,MLFlow.gc.olderThan=1d",
                "MLFlow.workspaces.enabled=true"],
        "gc": "1d",
        "cutover": True,
        "browser_host": "mlflow.example.org",
        "metrics": True,
    },
    # External PostgreSQL (sslmode=verify-full against a private CA from trustedCA) with its
    # password in an existing Secret.
    "external-postgres": {
        "values": "tests/scenarios/external-postgres.yaml",
        "fixtures": {"tracking-db": {"password": "ext-" + secrets.token_hex(8)}},
        "db_host": "db.example.internal:5432",
    },
    # The Versity S3 Gateway in the release (moto stands in for the gateway; the bucket
    # Job's own script runs for real).
    "versitygw": {
        "values": "tests/scenarios/versitygw.yaml",
        "fixtures": {},
        # gc without workspaces here (in-release runs it in workspaces mode)
        "set": ["MLFlow.gc.enabled=true,MLFlow.gc.olderThan=1d"],
        "gc": "1d",
    },
    # External S3 through s3.secret.
    "external-s3": {
        "values": "tests/scenarios/external-s3.yaml",
        "fixtures": {"team-s3-credentials": {"user": "AKIAE2E", "key": secrets.token_hex(16)}},
        "s3_url": "https://s3.eu-central-1.amazonaws.com",
    },
}


def log(msg):
    print(f"[e2e] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except SystemExit:
            raise
        except Exception:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}")


class Cluster:
    """The rendered objects, with Secrets resolved like a kubelet does."""

    def __init__(self, docs, fixtures):
        self.docs = docs
        self.secrets = {}
        for d in docs:
            if d["kind"] == "Secret":
                data = {k: base64.b64decode(v).decode() for k, v in (d.get("data") or {}).items()}
                data.update(d.get("stringData") or {})
                self.secrets[d["metadata"]["name"]] = data
        # What the generator Job would create, from its own input.
        job = self.find("Job", None, lambda j: j["metadata"]["labels"]["app.kubernetes.io/component"] == "secret-generator")
        if job:
            env = job["spec"]["template"]["spec"]["containers"][0]["env"]
            spec = yaml.safe_load(next(e["value"] for e in env if e["name"] == "SECRETS"))
            for s in spec:
                self.secrets.setdefault(
                    s["name"], {k: secrets.token_hex(n // 2 or 1) for k, n in s["keys"].items()}
                )
        for name, data in fixtures.items():
            self.secrets.setdefault(name, {}).update(data)

    def find(self, kind, name=None, pred=None):
        for d in self.docs:
            if d["kind"] == kind and (name is None or d["metadata"]["name"] == name):
                if pred is None or pred(d):
                    return d
        return None

    def env_of(self, container, rewrite):
        """A container's environment, in order, with $(VAR) expansion."""
        env = {}
        for e in container.get("env", []):
            if "value" in e:
                value = expand(e["value"], env)
            else:
                ref = e["valueFrom"]["secretKeyRef"]
                value = self.secrets[ref["name"]][ref["key"]]
            env[e["name"]] = rewrite(value)
        return env


def expand(s, env):
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), s)


def log_and_read_back(uri, work, scenario):
    """With the real MLflow client against `uri`: creates an experiment, logs a param, a
    metric and an artifact, reads them back and downloads the artifact through MLflow's
    artifact proxy. Returns (experiment id, run id, the artifact's local path)."""
    import mlflow
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(uri)
    exp_id = mlflow.create_experiment(f"e2e-{scenario}-{secrets.token_hex(4)}")
    artifact = os.path.join(work, "model.txt")
    payload = f"weights {secrets.token_hex(8)}\n"
    with open(artifact, "w") as f:
        f.write(payload)
    with mlflow.start_run(experiment_id=exp_id) as run:
        mlflow.log_param("alpha", "0.5")
        mlflow.log_metric("loss", 0.25, step=1)
        mlflow.log_artifact(artifact)
    run_id = run.info.run_id
    client = MlflowClient()
    got = client.get_run(run_id)
    assert got.data.params["alpha"] == "0.5", got.data.params
    assert got.data.metrics["loss"] == 0.25, got.data.metrics
    assert got.info.artifact_uri.startswith("mlflow-artifacts:/"), got.info.artifact_uri
    listed = [a.path for a in client.list_artifacts(run_id)]
    assert listed == ["model.txt"], listed
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="model.txt",
                                                dst_path=os.path.join(work, "dl"))
    assert open(local).read() == payload
    return exp_id, run_id, artifact


def parse_args(scenarios, foreign_env=("AWS_",)):
    """--binary and --scenario; drops the caller's cloud credentials from the environment
    (the client must work without any)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--scenario", required=True, choices=sorted(scenarios))
    args = ap.parse_args()
    for k in list(os.environ):
        if k.startswith(tuple(foreign_env)):
            del os.environ[k]
    return args, scenarios[args.scenario]


def render(binary, sc):
    """The scenario's objects: its values file and --set arguments, release mlflow in
    namespace mlflow."""
    rendered = subprocess.run(
        [binary, "render", "mlflow", "-n", "mlflow", "-f", os.path.join(ROOT, sc["values"])]
        + [a for kv in sc.get("set", []) for a in ("--set", kv)],
        check=True, capture_output=True, text=True,
    ).stdout
    return [d for d in yaml.safe_load_all(rendered) if d]


def main():
    args, sc = parse_args(SCENARIOS)
    docs = render(args.binary, sc)
    cluster = Cluster(docs, sc["fixtures"])
    log(f"rendered {len(docs)} objects")

    work = tempfile.mkdtemp(prefix="mlflow-e2e-")
    procs = []
    pg_data = None
    try:
        pg_port, s3_port, mlflow_port = free_port(), free_port(), free_port()
        hosts = {}
        for svc in [d for d in docs if d["kind"] == "Service"]:
            name = svc["metadata"]["name"]
            for p in svc["spec"]["ports"]:
                target = {"postgresql": pg_port, "api": s3_port}.get(p["name"])
                if target:
                    for n in (name, f"{name}.mlflow", f"{name}.mlflow.svc", f"{name}.mlflow.svc.cluster.local"):
                        hosts[f"{n}:{p['port']}"] = f"127.0.0.1:{target}"
        if sc.get("db_host"):
            hosts[sc["db_host"]] = f"127.0.0.1:{pg_port}"
        if sc.get("s3_url"):
            hosts[sc["s3_url"]] = f"http://127.0.0.1:{s3_port}"

        def rewrite(value):
            for k in sorted(hosts, key=len, reverse=True):
                value = value.replace(k, hosts[k])
            return value

        # --- PostgreSQL ------------------------------------------------------------
        pg_data = os.path.join(work, "pg")
        sock = os.path.join(work, "sock")
        os.makedirs(sock)
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(work, "postgres")
            shutil.chown(sock, "postgres")
        subprocess.run(as_pg + [f"{PG_BIN}/initdb", "-D", pg_data, "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True)
        with open(os.path.join(pg_data, "pg_hba.conf"), "w") as f:
            f.write("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
                    "hostssl all all 127.0.0.1/32 scram-sha-256\n")
        opts = f"-p {pg_port} -k {sock} -c listen_addresses=127.0.0.1"
        if sc.get("db_host"):
            # A test CA of our own signs the server's certificate (SAN 127.0.0.1, where the
            # database host is mapped); the render's trustedCA bundle is that CA.
            ca_dir = os.path.join(work, "ca")
            os.makedirs(ca_dir)
            for name in ("ca", "other-ca"):
                subprocess.run(["openssl", "req", "-new", "-x509", "-days", "1", "-nodes",
                                "-subj", f"/CN=mlflow-chart e2e {name}",
                                "-keyout", f"{ca_dir}/{name}.key", "-out", f"{ca_dir}/{name}.crt"],
                               check=True, capture_output=True)
            with open(f"{ca_dir}/san.ext", "w") as f:
                f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
            subprocess.run(["openssl", "req", "-new", "-nodes", "-subj", "/CN=127.0.0.1",
                            "-keyout", f"{pg_data}/server.key", "-out", f"{ca_dir}/server.csr"],
                           check=True, capture_output=True)
            subprocess.run(["openssl", "x509", "-req", "-days", "1", "-in", f"{ca_dir}/server.csr",
                            "-CA", f"{ca_dir}/ca.crt", "-CAkey", f"{ca_dir}/ca.key", "-CAcreateserial",
                            "-extfile", f"{ca_dir}/san.ext", "-out", f"{pg_data}/server.crt"],
                           check=True, capture_output=True)
            os.makedirs(os.path.join(work, "pod-ca"))
            shutil.copy(f"{ca_dir}/ca.crt", os.path.join(work, "pod-ca", "ca.crt"))
            hosts["/etc/mlflow-chart/ca/ca.crt"] = os.path.join(work, "pod-ca", "ca.crt")
            if os.geteuid() == 0:
                for f in ("server.key", "server.crt"):
                    shutil.chown(f"{pg_data}/{f}", "postgres")
            os.chmod(f"{pg_data}/server.key", 0o600)
            opts += " -c ssl=on"
        subprocess.run(as_pg + [f"{PG_BIN}/pg_ctl", "-D", pg_data, "-o", opts, "-w", "-l",
                                os.path.join(work, "pg.log"), "start"], check=True, capture_output=True)
        log(f"PostgreSQL 15 on 127.0.0.1:{pg_port}")
        psql_env = dict(os.environ, PGHOST=sock, PGPORT=str(pg_port))
        sts = cluster.find("StatefulSet", "mlflow-postgresql")
        if sts:
            # The official image runs the init scripts once, on an empty data directory.
            c = sts["spec"]["template"]["spec"]["containers"][0]
            env = cluster.env_of(c, rewrite)
            subprocess.run([f"{PG_BIN}/psql", "-U", "postgres", "-d", "postgres", "-c",
                            "ALTER ROLE postgres PASSWORD '" + env["POSTGRES_PASSWORD"] + "'"],
                           check=True, capture_output=True, env=psql_env)
            init = cluster.find("ConfigMap", "mlflow-postgresql-init")["data"]["10-mlflow.sh"]
            script = os.path.join(work, "10-mlflow.sh")
            with open(script, "w") as f:
                f.write(init)
            subprocess.run(["sh", script], check=True, env=dict(psql_env, **env,
                           PATH=f"{PG_BIN}:{os.environ['PATH']}"))
            log("ran the rendered PostgreSQL init script")
        else:
            ext = yaml.safe_load(open(os.path.join(ROOT, sc["values"])))["externalDatabase"]
            pw = sc["fixtures"][ext["existingSecret"]]["password"]
            for sql in (f"CREATE ROLE \"{ext['username']}\" LOGIN PASSWORD '{pw}'",
                        f"CREATE DATABASE \"{ext['database']}\" OWNER \"{ext['username']}\""):
                subprocess.run([f"{PG_BIN}/psql", "-U", "postgres", "-d", "postgres", "-c", sql],
                               check=True, capture_output=True, env=psql_env)
            log("created the external database and user")

        # --- S3 ------------------------------------------------------------------------
        procs.append(subprocess.Popen([os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{s3_port}/", timeout=2), "moto_server")
        import boto3

        def s3_client(endpoint, user, key):
            return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=user,
                                aws_secret_access_key=key, region_name="us-east-1")

        deploy = cluster.find("Deployment", "mlflow")
        pod = deploy["spec"]["template"]["spec"]
        server = next(c for c in pod["containers"] if c["name"] == "mlflow")
        server_env = cluster.env_of(server, rewrite)
        bucket_job = cluster.find("Job", None, lambda j: j["metadata"]["labels"]["app.kubernetes.io/component"] == "bucket-init")
        scripts = cluster.find("ConfigMap", "mlflow-scripts")["data"]
        mount = os.path.join(work, "scripts")
        os.makedirs(mount)
        for name, text in scripts.items():
            with open(os.path.join(mount, name), "w") as f:
                f.write(text)
        base_env = {"PATH": f"{VENV_BIN}:{os.environ['PATH']}", "LANG": "C.UTF-8"}
        if bucket_job and bucket_job["spec"]["template"]["spec"]["containers"][0]["command"][0] == "python":
            # The Job's own script (boto3, as in the MLflow image), run twice: idempotent.
            c = bucket_job["spec"]["template"]["spec"]["containers"][0]
            jenv = dict(base_env, **cluster.env_of(c, rewrite))
            cmd = [os.path.join(VENV_BIN, "python")] + [a.replace("/scripts/", mount + "/") for a in c["command"][1:]]
            for _ in range(2):
                subprocess.run(cmd, check=True, env=jenv, timeout=120)
            policy = s3_client(jenv["S3_ENDPOINT"], "x", "x")
            try:
                policy.get_bucket_policy(Bucket=jenv["BUCKET"])
                raise AssertionError("the bucket must have no policy (private)")
            except policy.exceptions.ClientError as e:
                assert e.response["Error"]["Code"] == "NoSuchBucketPolicy", e.response
            log(f"bucket {jenv['BUCKET']} created by the rendered Job's script (twice: idempotent), no policy")
        elif bucket_job:
            jenv = cluster.env_of(bucket_job["spec"]["template"]["spec"]["containers"][0], rewrite)
            s3_client(jenv["S3_ENDPOINT"], jenv["S3_USER"], jenv["S3_PASSWORD"]).create_bucket(Bucket=jenv["BUCKET"])
            log(f"bucket {jenv['BUCKET']} created from the bucket Job's env")
        else:
            bucket = re.search(r"s3://([^/ ]+)", " ".join(server["args"])).group(1)
            s3_client(f"http://127.0.0.1:{s3_port}", "fixture", "fixture").create_bucket(Bucket=bucket)
            log(f"external bucket {bucket} created as a fixture")

        # --- Schema migration ----------------------------------------------------------------
        init = next(c for c in pod.get("initContainers", []) if c["name"] == "db-upgrade")
        cmd = [a.replace("/scripts/", mount + "/") for a in init["command"] + init.get("args", [])]
        init_env = dict(base_env, **cluster.env_of(init, rewrite))
        os.makedirs(init_env["HOME"], exist_ok=True)
        if "PGSSLROOTCERT" in init_env:
            # The bundle is what makes verify-full pass: another CA must be refused.
            wrong = dict(init_env, PGSSLROOTCERT=os.path.join(work, "ca", "other-ca.crt"))
            bad = subprocess.run(cmd, env=wrong, timeout=300, capture_output=True, text=True)
            assert bad.returncode != 0 and "certificate verify failed" in bad.stdout + bad.stderr, \
                (bad.returncode, bad.stdout[-2000:], bad.stderr[-2000:])
            log("with another CA the migration step is refused: certificate verify failed")
        subprocess.run(cmd, check=True, env=init_env, timeout=300)
        log("schema migration ran (fresh database initialised)")
        subprocess.run(cmd, check=True, env=init_env, timeout=300)
        log("schema migration ran again (existing database upgraded, a no-op)")

        # --- Rollback: a database a newer MLflow upgraded is refused, with the way back ------
        db_name = re.search(r"/([^/?]+)(\?|$)", init_env["MLFLOW_BACKEND_STORE_URI"]).group(1)

        def revision(sql):
            return subprocess.run([f"{PG_BIN}/psql", "-U", "postgres", "-d", db_name, "-tAc", sql],
                                  check=True, capture_output=True, text=True, env=psql_env).stdout.strip()

        current = revision("SELECT version_num FROM alembic_version")
        revision("UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'")
        back = subprocess.run(cmd, env=init_env, timeout=300, capture_output=True, text=True)
        out = back.stdout + back.stderr
        assert back.returncode == 3, (back.returncode, out[-3000:])
        assert "f0e1d2c3b4a5" in out and "Rolling back" in out and "Traceback" not in out, out[-3000:]
        if init_env.get("PGPASSWORD"):
            assert init_env["PGPASSWORD"] not in out
        revision(f"UPDATE alembic_version SET version_num = '{current}'")
        # A branched schema (a known and an unknown head) and an empty revision are refused
        # the same way.
        for sql, undo in ((f"INSERT INTO alembic_version VALUES ('f0e1d2c3b4a5')",
                           "DELETE FROM alembic_version WHERE version_num = 'f0e1d2c3b4a5'"),
                          ("UPDATE alembic_version SET version_num = ''",
                           f"UPDATE alembic_version SET version_num = '{current}'"),
                          # alembic itself would resolve these symbols and prefixes
                          ("UPDATE alembic_version SET version_num = 'head'",
                           f"UPDATE alembic_version SET version_num = '{current}'"),
                          (f"UPDATE alembic_version SET version_num = '{current[:6]}'",
                           f"UPDATE alembic_version SET version_num = '{current}'"),
                          # two known revisions, and none at all
                          ("INSERT INTO alembic_version VALUES ('0a8213491aaa')",
                           "DELETE FROM alembic_version WHERE version_num = '0a8213491aaa'"),
                          ("DELETE FROM alembic_version",
                           f"INSERT INTO alembic_version VALUES ('{current}')")):
            revision(sql)
            back = subprocess.run(cmd, env=init_env, timeout=300, capture_output=True, text=True)
            out = back.stdout + back.stderr
            assert back.returncode == 3 and "Traceback" not in out, (sql, back.returncode, out[-3000:])
            revision(undo)
        subprocess.run(cmd, check=True, env=init_env, timeout=300)
        log(f"rollback: a schema newer than this MLflow is refused with the way back (exit 3); "
            f"at {current} the step runs again")

        # --- MLflow server -------------------------------------------------------------
        argv = server["command"] + [rewrite(expand(a, server_env)) for a in server["args"]]
        i = argv.index("--port")
        argv[i + 1] = str(mlflow_port)
        argv = ["127.0.0.1" if a == "0.0.0.0" else a for a in argv]
        # The pod's /tmp (an emptyDir shared with the metrics container) is the work dir.
        pod_tmp = os.path.join(work, "pod-tmp")
        argv = [a.replace("/tmp/", pod_tmp + "/") for a in argv]
        argv[0] = os.path.join(VENV_BIN, argv[0])
        log("mlflow " + " ".join(argv[1:]))
        mlflow_log = open(os.path.join(work, "mlflow.log"), "w")
        procs.append(subprocess.Popen(argv, env=dict(base_env, **server_env), stdout=mlflow_log,
                                      stderr=subprocess.STDOUT, start_new_session=True))
        uri = f"http://127.0.0.1:{mlflow_port}"
        def healthy():
            if procs[-1].poll() is not None:
                raise SystemExit(f"mlflow server exited with {procs[-1].returncode}")
            return urllib.request.urlopen(uri + "/health", timeout=2).status == 200

        wait_for(healthy, "mlflow /health", 120)
        log("MLflow server is healthy")

        # --- What a browser on the ingress host sends ---------------------------------
        if sc.get("browser_host"):
            host = sc["browser_host"]

            def post(origin, host_header):
                req = urllib.request.Request(
                    uri + "/ajax-api/2.0/mlflow/experiments/search", method="POST",
                    data=b'{"max_results": 1}',
                    headers={"Host": host_header, "Origin": origin, "Content-Type": "application/json"})
                try:
                    return urllib.request.urlopen(req, timeout=10).status
                except urllib.error.HTTPError as err:
                    return err.code

            assert post(f"https://{host}", host) == 200, "the UI's own origin must be allowed"
            assert post("https://evil.example.com", host) == 403, "a foreign origin must be refused"
            assert post(f"https://{host}", "evil.example.com") == 403, "a foreign Host must be refused"
            log(f"browser checks: Host/Origin {host} allowed, foreign Host and Origin refused")

        # --- The real client, with no AWS credentials ----------------------------------
        import mlflow
        from mlflow.tracking import MlflowClient

        assert not [k for k in os.environ if k.startswith("AWS_")]
        exp_id, run_id, artifact = log_and_read_back(uri, work, args.scenario)
        client = MlflowClient()
        bucket = re.search(r"s3://([^/ ]+)", " ".join(server["args"])).group(1)
        keys = [o["Key"] for o in s3_client(f"http://127.0.0.1:{s3_port}", "x", "x")
                .list_objects_v2(Bucket=bucket).get("Contents", [])]
        expected = f"{exp_id}/{run_id}/artifacts/model.txt"
        assert any(k.endswith(expected) for k in keys), f"{expected} not in bucket {bucket}: {keys}"
        log(f"artifact landed in s3://{bucket}/{expected}")
        # --- Garbage collection: the rendered CronJob's command, run as its pod would ------
        gc_job = cluster.find("CronJob", None, lambda j: j["metadata"]["labels"]["app.kubernetes.io/component"] == "gc")
        if sc.get("gc"):
            gc_pod = gc_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            c = gc_pod["containers"][0]
            gc_cmd = [a.replace("/scripts/", mount + "/") for a in c["command"]]
            gc_cmd[0] = os.path.join(VENV_BIN, gc_cmd[0])
            gc_cmd[gc_cmd.index("--port") + 1] = str(free_port())
            gc_env = dict(base_env, **cluster.env_of(c, rewrite))
            os.makedirs(gc_env["HOME"], exist_ok=True)
            with mlflow.start_run(experiment_id=exp_id) as kept:
                mlflow.log_artifact(artifact)
            client.delete_run(run_id)

            def run_rows(rid):
                return revision(f"SELECT count(*) FROM runs WHERE run_uuid = '{rid}'")

            def run_objects(rid):
                listed = s3_client(f"http://127.0.0.1:{s3_port}", "x", "x").list_objects_v2(Bucket=bucket)
                return [o["Key"] for o in listed.get("Contents", []) if f"/{rid}/" in o["Key"]]

            subprocess.run(gc_cmd, check=True, env=gc_env, timeout=300)
            assert run_rows(run_id) == "1" and run_objects(run_id), \
                "a run deleted less than olderThan ago must survive"
            log(f"gc: a run deleted less than {sc['gc']} ago survives")
            # Two days pass (MLflow compares runs.deleted_time, in ms, with now - olderThan).
            revision(f"UPDATE runs SET deleted_time = deleted_time - {2 * 86400 * 1000} "
                     f"WHERE run_uuid = '{run_id}'")
            out = subprocess.run(gc_cmd, env=gc_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 0, (out.stdout[-3000:], out.stderr[-3000:])
            assert run_rows(run_id) == "0", "the deleted run's rows must be gone"
            assert run_objects(run_id) == [], run_objects(run_id)
            assert run_rows(kept.info.run_id) == "1" and run_objects(kept.info.run_id), \
                "a live run must be untouched"
            for secret in (gc_env.get("PGPASSWORD"), gc_env.get("AWS_SECRET_ACCESS_KEY")):
                assert not secret or secret not in out.stdout + out.stderr
            log("gc: the deleted run's rows and artifacts are gone, the live run is untouched")
            # A run restored after its experiment was deleted: gc would delete its rows and
            # keep its artifacts, so nothing runs until the user decides.
            exp2 = mlflow.create_experiment(f"e2e-gc-{secrets.token_hex(4)}")
            with mlflow.start_run(experiment_id=exp2) as restored:
                mlflow.log_artifact(artifact)
            client.delete_experiment(exp2)
            client.restore_run(restored.info.run_id)
            two_days = 2 * 86400 * 1000
            revision(f"UPDATE experiments SET last_update_time = last_update_time - {two_days} "
                     f"WHERE experiment_id = {exp2}")
            out = subprocess.run(gc_cmd, env=gc_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 2 and "is active" in out.stderr and "Traceback" not in out.stderr, \
                (out.returncode, out.stdout[-2000:], out.stderr[-2000:])
            assert run_rows(restored.info.run_id) == "1" and run_objects(restored.info.run_id)
            # Deleted again and old enough: the experiment and its run go, with the artifacts.
            client.delete_run(restored.info.run_id)
            revision(f"UPDATE runs SET deleted_time = deleted_time - {two_days} "
                     f"WHERE run_uuid = '{restored.info.run_id}'")
            out = subprocess.run(gc_cmd, env=gc_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-2000:])
            assert run_rows(restored.info.run_id) == "0" and run_objects(restored.info.run_id) == []
            log("gc: a run restored into a deleted experiment stops gc (exit 2) instead of losing "
                "its rows; deleted again, it goes with its experiment and artifacts")
            # A logged model left active in a deleted experiment: the same refusal.
            exp3 = mlflow.create_experiment(f"e2e-gc-model-{secrets.token_hex(4)}")
            model = client.create_logged_model(experiment_id=exp3, name="m")
            client.delete_experiment(exp3)
            revision(f"UPDATE experiments SET last_update_time = last_update_time - {two_days} "
                     f"WHERE experiment_id = {exp3}")
            revision(f"UPDATE runs SET deleted_time = deleted_time - {two_days} WHERE experiment_id = {exp3}")
            out = subprocess.run(gc_cmd, env=gc_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 2 and "logged model" in out.stderr, (out.returncode, out.stderr[-2000:])
            assert revision(f"SELECT count(*) FROM logged_models WHERE model_id = '{model.model_id}'") == "1"
            client.restore_experiment(exp3)
            log("gc: a logged model left in a deleted experiment stops gc (exit 2) as well")
        # --- Cut-over (docs/migration.md): dump, restore as the new release's user, migrate --
        if sc.get("cutover"):
            user = re.search(r"postgresql://([^@]+)@", init_env["MLFLOW_BACKEND_STORE_URI"]).group(1)
            pw_env = dict(psql_env, PGPASSWORD=init_env["PGPASSWORD"], PGHOST="127.0.0.1")
            dump = os.path.join(work, "mlflow.dump")
            with open(dump, "wb") as f:
                subprocess.run([f"{PG_BIN}/pg_dump", "-Fc", "-U", user, "-d", db_name], check=True,
                               stdout=f, env=pw_env)
            # The new release's database, as its init script creates it (owned by its user).
            revision(f'CREATE DATABASE "{db_name}_new" OWNER "{user}"')
            with open(dump, "rb") as f:
                subprocess.run([f"{PG_BIN}/pg_restore", "--no-owner", f"--role={user}", "-U", user,
                                "-d", f"{db_name}_new"], check=True, stdin=f, env=pw_env)
            new_env = dict(init_env, MLFLOW_BACKEND_STORE_URI=re.sub(
                r"/([^/?]+)(\?|$)", lambda m: f"/{m.group(1)}_new{m.group(2)}",
                init_env["MLFLOW_BACKEND_STORE_URI"], count=1))
            out = subprocess.run(cmd, env=new_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 0 and "upgrading the MLflow schema" in out.stdout, out.stdout + out.stderr
            count = lambda db: subprocess.run(
                [f"{PG_BIN}/psql", "-U", "postgres", "-d", db, "-tAc",
                 "SELECT count(*) || '/' || string_agg(run_uuid, ',' ORDER BY run_uuid) FROM runs"],
                check=True, capture_output=True, text=True, env=psql_env).stdout.strip()
            assert count(db_name) == count(f"{db_name}_new"), (count(db_name), count(f"{db_name}_new"))
            log(f"cut-over: pg_dump, pg_restore --no-owner --role={user} and the migration step keep every run ({count(db_name).split('/')[0]})")
        # --- Metrics: the rendered exporter serves what the server recorded ---------------
        if sc.get("metrics"):
            exporter = next(c for c in pod["containers"] if c["name"] == "metrics")
            metrics_port = free_port()
            cmd = [a.replace("/tmp/", pod_tmp + "/") for a in exporter["command"]]
            cmd[0] = os.path.join(VENV_BIN, cmd[0])
            cmd[-1] = str(metrics_port)
            env = {e["name"]: e["value"].replace("/tmp/", pod_tmp + "/") for e in exporter["env"]}
            procs.append(subprocess.Popen(cmd, env=dict(base_env, **env), start_new_session=True,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            scraped = {}

            def scrape():
                text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=2).read().decode()
                scraped["text"] = text
                return "mlflow_http_request_total" in text

            wait_for(scrape, "the metrics exporter", 60)
            assert 'status="200"' in scraped["text"], scraped["text"][:2000]
            log("metrics: the exporter serves the server's mlflow_http_request_total")
        log(f"scenario {args.scenario}: passed")
        return 0
    except Exception:
        for name in ("mlflow.log", "pg.log"):
            p = os.path.join(work, name)
            if os.path.exists(p):
                print(f"--- {name} (tail) ---", file=sys.stderr)
                print(open(p, errors="replace").read()[-4000:], file=sys.stderr)
        raise
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM) if p.pid else None
            except Exception:
                p.terminate()
            try:
                p.wait(timeout=15)
            except Exception:
                p.kill()
        if pg_data and os.path.exists(os.path.join(pg_data, "postmaster.pid")):
            as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            subprocess.run(as_pg + [f"{PG_BIN}/pg_ctl", "-D", pg_data, "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
