"""End-to-end for the other stores: MySQL (MariaDB) as backend, Azure Blob (Azurite) or
Google Cloud Storage (gcp-storage-emulator) as artifact store.

For one scenario it
1. renders the chart with the binary;
2. resolves the MLflow pod's containers as a kubelet would (e2e.Cluster: literal values,
   secretKeyRef from rendered Secrets or fixtures, $(VAR) expansion), mapping the
   database's host to a loopback port;
3. starts MariaDB (Debian's mariadb-server) with the fixture user, whose password is full of
   URI delimiters (@ : / % # ? and a space), and the store's emulator; creates the container
   or bucket;
4. runs the rendered schema step with its own command line (the MySQL password launcher,
   then db-upgrade.py) twice, and once against a schema revision only a newer MLflow knows,
   which it must refuse with exit 3;
5. starts the rendered MLflow container's command line and env (the launcher execs
   `mlflow server`); checks that no process's arguments carry the password;
6. with the real MLflow client, logs a run with an artifact, reads it back through MLflow's
   artifact proxy and finds the object in the container/bucket under the path prefix;
7. runs the rendered gc CronJob's command: the deleted run's rows and objects are gone, a
   live run is untouched;
8. stops everything it started.

For GCS the server's env gets STORAGE_EMULATOR_HOST (google-cloud-storage's switch to an
emulator, with anonymous credentials): the only thing the test adds to the rendered env.

Usage: stores.py --binary PATH --scenario NAME   (exit 0 = passed)
"""
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import (ROOT, VENV_BIN, Cluster, expand, free_port, log,  # noqa: E402
                 log_and_read_back, parse_args, render, wait_for)

# Azurite's well-known development account (its README: devstoreaccount1 and this key).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
               "K1SZFPTOtr/KBHBeksoGMGw==")
# A password a hand-built URI would break on: every delimiter of a URI's userinfo.
HOSTILE_PASSWORD = "p@ss:w/rd%41#?x " + secrets.token_hex(4)

SCENARIOS = {
    "mysql-azure": {
        "values": "tests/scenarios/mysql-azure.yaml",
        "store": "azure",
    },
    "mysql-gcs": {
        "values": "tests/scenarios/gcs-workload-identity.yaml",
        "set": ["services.postgres.enabled=false,externalDatabase.type=mysql,"
                "externalDatabase.host=mysql.example.internal,externalDatabase.database=tracking,"
                "externalDatabase.username=mlflow_app,externalDatabase.existingSecret=tracking-db",
                "MLFlow.gc.enabled=true,MLFlow.gc.olderThan=1d"],
        "store": "gcs",
    },
}


def azurite_bin():
    explicit = os.environ.get("MLFLOW_CHART_AZURITE")
    if explicit:
        return explicit
    return os.path.join(ROOT, ".npm-e2e", "node_modules", ".bin", "azurite-blob")


def main():
    args, sc = parse_args(SCENARIOS, ("AWS_", "AZURE_", "GOOGLE_", "STORAGE_EMULATOR"))
    docs = render(args.binary, sc)
    work = tempfile.mkdtemp(prefix="mlflow-stores-")
    procs = []
    db_port, store_port, mlflow_port = free_port(), free_port(), free_port()
    connection_string = (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
                         f"AccountKey={AZURITE_KEY};"
                         f"BlobEndpoint=http://127.0.0.1:{store_port}/{AZURITE_ACCOUNT};")
    cluster = Cluster(docs, {"tracking-db": {"password": HOSTILE_PASSWORD},
                             "azure-storage": {"connection-string": connection_string}})
    log(f"rendered {len(docs)} objects")
    hosts = {"mysql.example.internal:3306": f"127.0.0.1:{db_port}"}

    def rewrite(value):
        for k in sorted(hosts, key=len, reverse=True):
            value = value.replace(k, hosts[k])
        return value

    def start(argv, name, env=None):
        out = open(os.path.join(work, f"{name}.log"), "w")
        procs.append(subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                      start_new_session=True))
        return procs[-1]

    try:
        # --- MariaDB ------------------------------------------------------------------
        data, sock = os.path.join(work, "mariadb"), os.path.join(work, "mariadb.sock")
        # A temporary directory of its own: a MariaDB server deletes the temporary tables
        # it finds in its tmpdir when it starts, so two of these tests running at once
        # with the default /tmp broke each other's bootstrap ("Unknown table
        # 'mysql.tmp_user_sys'", seen in CI).
        tmp = os.path.join(work, "mariadb-tmp")
        os.makedirs(tmp)
        user = ["--user=root"] if os.geteuid() == 0 else []
        installed = subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}",
                                    f"--tmpdir={tmp}", "--auth-root-authentication-method=normal",
                                    "--skip-test-db"] + user,
                                   capture_output=True, text=True)
        if installed.returncode != 0:
            sys.exit(f"mariadb-install-db failed ({installed.returncode}):\n"
                     f"{installed.stdout}\n{installed.stderr}")
        start(["mariadbd", "--no-defaults", f"--datadir={data}", f"--tmpdir={tmp}",
               f"--port={db_port}", "--bind-address=127.0.0.1", f"--socket={sock}"] + user,
              "mariadb")

        def sql(statement, db=None):
            return subprocess.run(["mariadb", "--no-defaults", "-S", sock, "-u", "root", "-N", "-B",
                                   "-e", statement] + ([db] if db else []),
                                  check=True, capture_output=True, text=True).stdout.strip()

        wait_for(lambda: sql("SELECT 1") == "1", "MariaDB")
        quoted = HOSTILE_PASSWORD.replace("\\", "\\\\").replace("'", "\\'")
        sql("CREATE DATABASE tracking")
        sql(f"CREATE USER 'mlflow_app'@'%' IDENTIFIED BY '{quoted}'")
        sql("GRANT ALL ON tracking.* TO 'mlflow_app'@'%'")
        log(f"MariaDB {sql('SELECT VERSION()')} on 127.0.0.1:{db_port}, user with a password of URI delimiters")

        # --- The artifact store ---------------------------------------------------------
        deploy = cluster.find("Deployment", "mlflow")
        pod = deploy["spec"]["template"]["spec"]
        server = next(c for c in pod["containers"] if c["name"] == "mlflow")
        server_env = cluster.env_of(server, rewrite)
        destination = server["args"][server["args"].index("--artifacts-destination") + 1]
        if sc["store"] == "azure":
            from azure.storage.blob import BlobServiceClient

            start([azurite_bin(), "--blobHost", "127.0.0.1", "--blobPort", str(store_port),
                   "--location", os.path.join(work, "azurite"), "--silent",
                   "--skipApiVersionCheck"], "azurite")
            m = re.fullmatch(r"wasbs://([^@]+)@([^.]+)\.blob\.core\.windows\.net/(.*)", destination)
            assert m, destination
            container, prefix = m.group(1), m.group(3)
            assert server_env["AZURE_STORAGE_CONNECTION_STRING"] == connection_string
            blobs = BlobServiceClient.from_connection_string(connection_string)
            wait_for(lambda: blobs.create_container(container) is not None, "Azurite")

            def objects():
                return [b.name for b in blobs.get_container_client(container).list_blobs()]
            log(f"Azurite: container {container}; MLflow writes to {destination}")
        else:
            from google.cloud import storage

            start([os.path.join(VENV_BIN, "gcp-storage-emulator"), "start", "--host", "127.0.0.1",
                   "--port", str(store_port), "--in-memory"], "gcs")
            emulator = f"http://127.0.0.1:{store_port}"
            os.environ["STORAGE_EMULATOR_HOST"] = emulator
            m = re.fullmatch(r"gs://([^/]+)/(.*)", destination)
            assert m, destination
            bucket, prefix = m.group(1), m.group(2)
            assert "GOOGLE_APPLICATION_CREDENTIALS" not in server_env
            gcs = storage.Client()
            wait_for(lambda: gcs.create_bucket(bucket) is not None, "the GCS emulator")
            server_env["STORAGE_EMULATOR_HOST"] = emulator

            def objects():
                return [b.name for b in gcs.list_blobs(bucket)]
            log(f"GCS emulator: bucket {bucket}; MLflow writes to {destination}")

        # --- The scripts and the schema step -----------------------------------------------
        mount = os.path.join(work, "scripts")
        os.makedirs(mount)
        for name, text in cluster.find("ConfigMap", "mlflow-scripts")["data"].items():
            with open(os.path.join(mount, name), "w") as f:
                f.write(text)
        base_env = {"PATH": f"{VENV_BIN}:{os.environ['PATH']}", "LANG": "C.UTF-8"}
        init = next(c for c in pod["initContainers"] if c["name"] == "db-upgrade")
        cmd = [a.replace("/scripts/", mount + "/") for a in init["command"]]
        assert cmd[1].endswith("with-db-password.py"), cmd
        init_env = dict(base_env, **cluster.env_of(init, rewrite))
        assert init_env["MYSQL_PWD"] == HOSTILE_PASSWORD and HOSTILE_PASSWORD not in init_env["MLFLOW_BACKEND_STORE_URI"]
        os.makedirs(init_env["HOME"], exist_ok=True)
        # Replicas starting together: while another session holds the schema lock, the step
        # waits (MariaDB takes no negative GET_LOCK timeout; the script must not skip it).
        holder = subprocess.Popen(["mariadb", "--no-defaults", "-S", sock, "-u", "root", "-N", "-e",
                                   "SELECT GET_LOCK('mlflow-chart-727172-tracking', 10); SELECT SLEEP(6);"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        started = time.time()
        out = subprocess.run(cmd, env=init_env, timeout=300, capture_output=True, text=True)
        waited = time.time() - started
        # The holder's session (and lock) ended before the step could finish.
        released_first = holder.poll() is not None
        holder.wait(timeout=30)
        assert out.returncode == 0 and released_first, (waited, out.stdout[-2000:], out.stderr[-2000:])
        log(f"schema step waited {waited:.1f} s for another session's lock, then initialised the database")
        # The launcher refuses what PyMySQL cannot send, without printing it.
        for bad in ("hunter\u20ac2", "p\u00e4ss"):
            out = subprocess.run(cmd, env=dict(init_env, MYSQL_PWD=bad), timeout=60,
                                 capture_output=True, text=True)
            assert out.returncode == 2 and "non-ASCII" in out.stderr, (out.returncode, out.stderr)
            assert bad not in out.stdout + out.stderr and "\u20ac" not in out.stderr + out.stdout
        log("a non-ASCII password is refused by the launcher without being printed")
        for what in ("existing database, a no-op", "existing database upgraded, a no-op"):
            out = subprocess.run(cmd, env=init_env, timeout=300, capture_output=True, text=True)
            assert out.returncode == 0, (out.stdout[-3000:], out.stderr[-3000:])
            assert HOSTILE_PASSWORD not in out.stdout + out.stderr
            log(f"schema migration ran on MariaDB ({what})")
        current = sql("SELECT version_num FROM alembic_version", "tracking")
        sql("UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'", "tracking")
        back = subprocess.run(cmd, env=init_env, timeout=300, capture_output=True, text=True)
        assert back.returncode == 3 and "f0e1d2c3b4a5" in back.stderr, (back.returncode, back.stderr[-3000:])
        assert HOSTILE_PASSWORD not in back.stdout + back.stderr
        sql(f"UPDATE alembic_version SET version_num = '{current}'", "tracking")
        log("rollback: a newer schema is refused (exit 3) on MariaDB too")

        # --- MLflow server -------------------------------------------------------------
        pod_tmp = os.path.join(work, "pod-tmp")
        os.makedirs(pod_tmp)
        args_ = [rewrite(expand(a, server_env)).replace("/tmp/", pod_tmp + "/") for a in server["args"]]
        argv = [a.replace("/scripts/", mount + "/") for a in server["command"]] + args_
        assert "--backend-store-uri" not in argv, "with MySQL the URI must come from the env"
        argv[argv.index("--port") + 1] = str(mlflow_port)
        log(" ".join(argv[1:]))
        srv = start(argv, "mlflow", dict(base_env, **dict(server_env, HOME=pod_tmp)))
        uri = f"http://127.0.0.1:{mlflow_port}"

        def healthy():
            if srv.poll() is not None:
                raise SystemExit(f"mlflow server exited with {srv.returncode}")
            return urllib.request.urlopen(uri + "/health", timeout=2).status == 200

        wait_for(healthy, "mlflow /health", 180)
        log("MLflow server is healthy (started through the launcher)")
        leaked = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        if HOSTILE_PASSWORD.encode() in f.read():
                            leaked.append(pid)
                except OSError:
                    pass
        assert not leaked, f"the password is in the arguments of processes {leaked}"
        log("no process's arguments carry the database password")

        # --- The real client --------------------------------------------------------------
        import mlflow
        from mlflow.tracking import MlflowClient

        exp_id, run_id, artifact = log_and_read_back(uri, work, args.scenario)
        client = MlflowClient()
        expected = f"{prefix}/{exp_id}/{run_id}/artifacts/model.txt"
        assert expected in objects(), (expected, objects())
        log(f"artifact logged and read back through MLflow's proxy; stored at {destination}/{expected[len(prefix) + 1:]}")

        # --- gc: the rendered CronJob's command --------------------------------------------
        gc_job = cluster.find("CronJob", None, lambda j: j["metadata"]["labels"]["app.kubernetes.io/component"] == "gc")
        c = gc_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        gc_cmd = [a.replace("/scripts/", mount + "/") for a in c["command"]]
        gc_cmd[gc_cmd.index("--port") + 1] = str(free_port())
        gc_env = dict(base_env, **cluster.env_of(c, rewrite))
        if sc["store"] == "gcs":
            gc_env["STORAGE_EMULATOR_HOST"] = server_env["STORAGE_EMULATOR_HOST"]
        with mlflow.start_run(experiment_id=exp_id) as kept:
            mlflow.log_artifact(artifact)
        client.delete_run(run_id)
        sql(f"UPDATE runs SET deleted_time = deleted_time - {2 * 86400 * 1000} "
            f"WHERE run_uuid = '{run_id}'", "tracking")
        out = subprocess.run(gc_cmd, env=gc_env, timeout=300, capture_output=True, text=True)
        assert out.returncode == 0, (out.stdout[-3000:], out.stderr[-3000:])
        assert HOSTILE_PASSWORD not in out.stdout + out.stderr
        rows = lambda rid: sql(f"SELECT count(*) FROM runs WHERE run_uuid = '{rid}'", "tracking")
        assert rows(run_id) == "0", "the deleted run's rows must be gone"
        assert not [o for o in objects() if f"/{run_id}/" in o], objects()
        assert rows(kept.info.run_id) == "1" and [o for o in objects() if f"/{kept.info.run_id}/" in o]
        log("gc: the deleted run's rows and objects are gone, the live run is untouched")
        log(f"scenario {args.scenario}: passed")
        return 0
    except BaseException:
        for name in ("mlflow", "mariadb", "azurite", "gcs"):
            p = os.path.join(work, f"{name}.log")
            if os.path.exists(p):
                print(f"--- {name}.log (tail) ---", file=sys.stderr)
                print(open(p, errors="replace").read()[-4000:], file=sys.stderr)
        raise
    finally:
        for p in reversed(procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        time.sleep(0.2)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
