# Refuses to let the official image initialise a database over a volume that already holds
# data in another layout. The image runs initdb whenever $PGDATA/PG_VERSION is missing
# (docker-entrypoint.sh, docker_setup_env/docker_init_database_dir): on the volume of
# bitnami's PostgreSQL (the original chart's; its data is in data/, not pgdata/) that
# would start MLflow on a new, empty database beside the old one.
set -eu
root=$(dirname "$PGDATA")
if [ -s "$PGDATA/PG_VERSION" ]; then
  exit 0
fi
others=$(ls -A "$root" | grep -v -x -F -e lost+found -e "$(basename "$PGDATA")" || true)
if [ -z "$others" ] && [ -z "$(ls -A "$PGDATA" 2>/dev/null || true)" ]; then
  exit 0
fi
echo "mlflow-chart: refusing to initialise PostgreSQL: the data volume is not empty, but $PGDATA holds no database." >&2
echo "  found on the volume: $(echo $others | tr '\n' ' ')" >&2
for d in $others; do
  if [ -s "$root/$d/PG_VERSION" ]; then
    echo "  $d/PG_VERSION says PostgreSQL $(cat "$root/$d/PG_VERSION"): this is another chart's data directory (bitnami keeps it in data/)." >&2
  fi
done
echo "  To move the data: dump it with the old chart and restore it (docs/migration.md, \"Cut-over\");" >&2
echo "  to adopt this directory deliberately: set postgresql.persistence.dataDirectory to its name," >&2
echo "  with the same PostgreSQL major version and its owner's user ID in postgresql.podSecurityContext." >&2
exit 1
