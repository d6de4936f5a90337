"""Brings the MLflow database schema to this image's version before the server starts.

Holds a database lock while it works (PostgreSQL's pg_advisory_lock, MySQL's GET_LOCK),
so replicas starting together never migrate concurrently: the first one migrates, the
others wait and then find nothing to do.
A fresh database is initialised; an existing one is upgraded with `mlflow db upgrade`.
A database that a newer MLflow already upgraded (a rollback of the image) is refused with
what to do instead: MLflow ships no downgrade path, and `mlflow db upgrade` would fail on
the revision it cannot locate (alembic's traceback, a crash loop).
The password comes from PGPASSWORD (libpq), or for MySQL from the launcher
(with-db-password.py); `mlflow db upgrade` gets the URI through its environment, never an
argument.
"""
import os
import subprocess
import sys

import sqlalchemy

LOCK_KEY = 727172  # any constant shared by every replica of every version


ROLLBACK = """\
mlflow-chart: the database's schema revision ({revision}) is not one MLflow {version} in
this image knows: a newer MLflow (or another program) has changed this database. MLflow has
no downgrade migrations, so this image cannot run against it, and the server is not started.
The way back (docs/day-two.md, "Rolling back"):
  - deploy the newer MLflow image again (image.tag), which knows this schema; or
  - restore the database backup taken before the upgrade, then deploy this image.
"""


def mlflow_version() -> str:
    import mlflow

    return mlflow.__version__


def unknown_revision(conn):
    """Why the database's schema revisions are not a state this MLflow can upgrade, if so.

    Every row of alembic_version must be the full id of one of this MLflow's migrations
    (alembic would also resolve "head", prefixes and "x@head"), and there must be exactly
    one: MLflow's migrations are a single line (mlflow/store/db/utils.py,
    _get_latest_schema_revision), so several rows or none mean another program's schema.
    """
    from alembic.script import ScriptDirectory
    import mlflow

    rows = [r[0] for r in conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version"))]
    # MLflow's own migration scripts (mlflow/store/db/utils.py, _get_alembic_config).
    script = ScriptDirectory(os.path.join(os.path.dirname(mlflow.__file__), "store", "db_migrations"))
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = [repr(r) if not r else r for r in rows if r not in known]
    if unknown:
        return ", ".join(unknown)
    if len(rows) != 1:
        return f"{len(rows)} rows in alembic_version ({', '.join(rows) or 'none'}; MLflow keeps exactly one)"
    return None


# `mlflow db upgrade URL`, with the URL read from the environment in the child (so it is
# not in the process's arguments).
UPGRADE = ("import os, sys; from mlflow.db import upgrade; "
           "sys.exit(upgrade.main([os.environ['MLFLOW_BACKEND_STORE_URI']], standalone_mode=True))")


def main() -> int:
    uri = os.environ["MLFLOW_BACKEND_STORE_URI"]
    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)
    mysql = engine.dialect.name == "mysql"
    with engine.connect() as conn:
        if mysql:
            # A session lock, released below or when the session ends. GET_LOCK returns 1
            # when it has the lock and 0 on timeout; MariaDB takes no negative timeout (it
            # returns NULL at once), so wait an hour at a time until it is ours.
            # Lock names are server-wide: the database's name keeps releases apart.
            lock = f"mlflow-chart-{LOCK_KEY}-{engine.url.database}"[:64]
            while conn.execute(sqlalchemy.text("SELECT GET_LOCK(:k, 3600)"), {"k": lock}).scalar() != 1:
                print("waiting for another replica's schema step (GET_LOCK)", flush=True)
        else:
            conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        try:
            tables = sqlalchemy.inspect(conn).get_table_names()
            if "alembic_version" in tables:
                newer = unknown_revision(conn)
                if newer:
                    print(ROLLBACK.format(revision=newer, version=mlflow_version()),
                          file=sys.stderr, flush=True)
                    return 3
                print("upgrading the MLflow schema (mlflow db upgrade)", flush=True)
                return subprocess.call([sys.executable, "-c", UPGRADE])
            print("initialising a fresh MLflow database", flush=True)
            from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

            SqlAlchemyStore(uri, "mlflow-artifacts:/")
            return 0
        finally:
            if mysql:
                conn.execute(sqlalchemy.text("SELECT RELEASE_LOCK(:k)"), {"k": lock})
            else:
                conn.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})


if __name__ == "__main__":
    sys.exit(main())
