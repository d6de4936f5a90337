#!/bin/sh
# Creates MLflow's role and database on the first start of an empty data directory
# (the official image runs /docker-entrypoint-initdb.d/* once). Values come from the
# environment, so no credential is written into the ConfigMap; psql reads the password
# from its environment (\getenv, psql 15 and later), never from its command line, which
# anyone in the container can read.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=app_user="$MLFLOW_DB_USER" \
  --set=app_db="$MLFLOW_DB_NAME" <<'SQL'
\getenv app_password MLFLOW_DB_PASSWORD
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
SQL
