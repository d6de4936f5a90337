"""Starts a program with the database password inside MLFLOW_BACKEND_STORE_URI.

PyMySQL, the MySQL driver in MLflow's image, takes the password only from the URI or from
an option file (pymysql/connections.py, Connection.__init__: no environment variable),
while libpq reads PGPASSWORD. The pod's env carries the URI without a password and the
password as MYSQL_PWD (from a Secret); this moves it into the URI, percent-encoded by
SQLAlchemy, and replaces itself with the program (os.execvp): the password is in that
process's environment, never in an argument, a manifest or a log line.

Usage: python with-db-password.py PROGRAM [ARG ...]
"""
import os
import sys

from sqlalchemy.engine import make_url


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: with-db-password.py PROGRAM [ARG ...]", file=sys.stderr)
        return 2
    password = os.environ.pop("MYSQL_PWD", None)
    if password is None:
        print("mlflow-chart: MYSQL_PWD is not set: the database password's Secret is missing",
              file=sys.stderr)
        return 2
    # PyMySQL sends a str password as latin-1 (pymysql/connections.py, Connection.__init__),
    # which matches what the server stored only for ASCII; say so without the value.
    if not password.isascii():
        print("mlflow-chart: the database password has non-ASCII characters, which PyMySQL "
              "cannot send as the server stored them; use an ASCII password", file=sys.stderr)
        return 2
    url = make_url(os.environ["MLFLOW_BACKEND_STORE_URI"])
    if not url.username:
        print("mlflow-chart: the backend store URI names no user, so the password cannot be "
              "given", file=sys.stderr)
        return 2
    url = url.set(password=password)
    os.environ["MLFLOW_BACKEND_STORE_URI"] = url.render_as_string(hide_password=False)
    os.execvp(sys.argv[1], sys.argv[1:])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
