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
  --set ingress.enabled=true,ingress.hosts[0].host=mlflow.example.org,ingress.tls[0].hosts[0]=mlflow.example.org,ingress.tls[0].secretName=tls
  --set autoscaling.enabled=true,autoscaling.minReplicas=2)
"$bin" "${args[@]}" > /dev/null
hyperfine --warmup 5 --runs 100 -N --export-json /tmp/mlflow-chart-hyperfine.json "$bin ${args[*]}" >/dev/null
python3 -c 'import json; r=json.load(open("/tmp/mlflow-chart-hyperfine.json"))["results"][0]; print(f"median wall time: {r[\"median\"]*1000:.2f} ms (mean {r[\"mean\"]*1000:.2f} ms, min {r[\"min\"]*1000:.2f} ms, {len(r[\"times\"])} runs)")'
/usr/bin/time -v "$bin" "${args[@]}" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %.1f MB\n", $2/1024}'
echo "release binary: $(stat -c %s "$bin" | awk '{printf "%.1f MB", $1/1048576}')"
echo "k8s-openapi versions compiled in: $(cargo tree -q -i k8s-openapi --locked 2>/dev/null | grep -c '^k8s-openapi')"
