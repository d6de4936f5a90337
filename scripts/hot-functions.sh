#!/usr/bin/env bash
# Writes link/hot-functions.txt: the functions of the release binary that typical runs
# execute, one linker symbol a line. build.rs hands the file to the linker
# (--symbol-ordering-file), which puts those functions side by side at the start of the
# code, so a run maps a few MB of the binary instead of most of it (peak RSS).
#
# The list is exact for the code it was made from. After code changes some names drift
# (inlining, ThinLTO's `.llvm.<hash>` suffixes) and the linker skips them: the binary stays
# correct and maps a little more. Run this again after larger changes; scripts/measure.sh
# prints how many names still match. Needs valgrind (callgrind lists every function run).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
cargo build --release --locked -q
# .cargo/config.toml builds for the host tuple: the binary is under target/<tuple>/.
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release/mlflow-chart
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
# Each run twice: as it is (on two or more cores the render shares its stages with a
# second thread, src/crew.rs) and pinned to one core (no second thread, other code). A
# list made on one path only leaves the other's functions scattered through the binary:
# a list made pinned once cost 3 MB of peak RSS on two cores (9.2 MB against 6.0 MB).
[ "$(nproc)" -ge 2 ] || echo "warning: one core here; the two-thread path is not profiled" >&2
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
profile() { # profile ARGS...: callgrind runs of the binary, free and pinned
  for how in free pinned; do
    n=$((n + 1))
    local run=()
    [ "$how" = pinned ] && run=("${pin[@]}")
    [ "$how" = pinned ] && [ ${#run[@]} -eq 0 ] && continue
    "${run[@]}" valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" --dump-instr=no \
      --compress-strings=no --demangle=no "$bin" "$@" >"$work/out.$n" 2>/dev/null || true
  done
}
# The runs users make most: every component on (values file and --set), the defaults,
# the proxy and MinIO off, and `validate` of a rendered stream.
profile render mlflow -n mlflow -q -f scripts/all-components.yaml
profile render mlflow -n mlflow -q --set oauth2Proxy.clientID=mlflow \
  --set oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/ml \
  --set 'ingress.enabled=true,ingress.hosts[0].host=mlflow.example.org'
profile render mlflow -q --set oauth2Proxy.enabled=false
profile render mlflow -q --set oauth2Proxy.enabled=false --set services.minio.enabled=false \
  --set s3.url=https://s3.example.org --set s3.secret=s3
"$bin" render mlflow -n mlflow -q -f scripts/all-components.yaml > "$work/stream.yaml"
profile validate "$work/stream.yaml"
# Every function callgrind saw (fn= and cfn= records), first sighting first, kept when it
# is a code symbol of the binary (not of the C library).
nm "$bin" | awk '$2 ~ /^[tTwW]$/ {print $3}' > "$work/symbols"
for i in $(seq 1 "$n"); do [ -f "$work/cg.$i" ] && cat "$work/cg.$i"; done | sed -n -E 's/^c?fn=(.*)$/\1/p' | awk '!seen[$0]++' \
  | awk 'NR == FNR {have[$0] = 1; next} ($0 in have)' "$work/symbols" - > link/hot-functions.txt
echo "link/hot-functions.txt: $(wc -l < link/hot-functions.txt) functions"
grep -q 'mlflow_chart4crew6second' link/hot-functions.txt \
  || echo "warning: no second thread ran under valgrind (one core?): the list misses the crew's path" >&2
cargo build --release --locked -q
