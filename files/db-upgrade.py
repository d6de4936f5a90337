"""Brings the MLflow database schema to this image's version before the server starts.

Holds a PostgreSQL advisory lock while it works, so replicas starting together never
migrate concurrently: the first one migrates, the others wait and then find nothing to do.
A fresh database is initialised; an existing one is upgraded with `mlflow db upgrade`.
The password comes from PGPASSWORD (libpq), never from the URI.
"""
import os
import subprocess
import sys

import sqlalchemy

LOCK_KEY = 727172  # any constant shared by every replica of every version


def main() -> int:
    uri = os.environ["MLFLOW_BACKEND_STORE_URI"]
    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        try:
            tables = sqlalchemy.inspect(conn).get_table_names()
            if "alembic_version" in tables:
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
