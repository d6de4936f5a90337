#!/usr/bin/env bash
# Whole-process measurement of `mlflow-chart render` with every component on and
# validation included: median wall time (hyperfine), peak RSS (/usr/bin/time -v) and the
# release binary's size. A measurement, not a test: it prints figures, it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked -q
bin=target/release/mlflow-chart
args=(render mlflow -n mlflow -q
  --set oauth2Proxy.clientID=mlflow,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/ml
  --set 'ingress.enabled=true,ingress.hosts[0].host=mlflow.example.org,ingress.tls[0].hosts[0]=mlflow.example.org,ingress.tls[0].secretName=tls'
  --set autoscaling.enabled=true,autoscaling.minReplicas=2)
"$bin" "${args[@]}" > /dev/null
json=$(mktemp)
hyperfine --warmup 5 --runs 100 -N --style none --export-json "$json" "$bin ${args[*]}" >/dev/null 2>&1
python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("median wall time: %.2f ms (mean %.2f ms, min %.2f ms, %d runs)"
      % (r["median"] * 1000, r["mean"] * 1000, r["min"] * 1000, len(r["times"])))
PY
rm -f "$json"
/usr/bin/time -v "$bin" "${args[@]}" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %.1f MB\n", $2/1024}'
echo "release binary: $(stat -c %s "$bin" | awk '{printf "%.1f MB", $1/1048576}')"
echo "k8s-openapi versions compiled in: $(cargo tree -q --locked -e normal | grep -c 'k8s-openapi v')"
