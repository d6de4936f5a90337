"""Brings the MLflow database schema to this image's version before the server starts.

Holds a PostgreSQL advisory lock while it works, so replicas starting together never
migrate concurrently: the first one migrates, the others wait and then find nothing to do.
A fresh database is initialised; an existing one is upgraded with `mlflow db upgrade`.
A database that a newer MLflow already upgraded (a rollback of the image) is refused with
what to do instead: MLflow ships no downgrade path, and `mlflow db upgrade` would fail on
the revision it cannot locate (alembic's traceback, a crash loop).
The password comes from PGPASSWORD (libpq), never from the URI.
"""
import os
import subprocess
import sys

import sqlalchemy

LOCK_KEY = 727172  # any constant shared by every replica of every version


ROLLBACK = """\
mlflow-chart: the database schema is at revision {revision}, which MLflow {version} in this
image does not know: a newer MLflow has already upgraded this database. MLflow has no
downgrade migrations, so this image cannot run against it, and the server is not started.
The way back (docs/day-two.md, "Rolling back"):
  - deploy the newer MLflow image again (image.tag), which knows this schema; or
  - restore the database backup taken before the upgrade, then deploy this image.
"""


def mlflow_version() -> str:
    import mlflow

    return mlflow.__version__


def unknown_revision(conn):
    """The database's schema revisions this MLflow's migrations do not contain, if any."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError
    import mlflow

    # Every row of alembic_version (a branched schema has several), empty ones included.
    rows = [r[0] for r in conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version"))]
    # MLflow's own migration scripts (mlflow/store/db/utils.py, _get_alembic_config).
    script = ScriptDirectory(os.path.join(os.path.dirname(mlflow.__file__), "store", "db_migrations"))
    unknown = []
    for current in rows:
        try:
            if not current or script.get_revision(current) is None:
                unknown.append(repr(current))
        except CommandError:
            unknown.append(current)
    return ", ".join(unknown) or None


def main() -> int:
    uri = os.environ["MLFLOW_BACKEND_STORE_URI"]
    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
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
                return subprocess.call(["mlflow", "db", "upgrade", uri])
            print("initialising a fresh MLflow database", flush=True)
            from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

            SqlAlchemyStore(uri, "mlflow-artifacts:/")
            return 0
        finally:
            conn.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})


if __name__ == "__main__":
    sys.exit(main())
