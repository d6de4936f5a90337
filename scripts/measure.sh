#!/usr/bin/env bash
# Whole-process measurement of `mlflow-chart render` with every component on and
# validation included: median wall time (hyperfine), peak RSS (/usr/bin/time -v), the
# release binary's size, and paired ratios against Helm 4 (helm-python-sdk) rendering a
# chart of the same kind, in one run. A measurement, not a test: it prints figures, it
# asserts nothing.
#
# The Helm side renders, by default, a chart made here of this chart's own output: the
# same documents as templates (the namespace templated), the same values.yaml and
# values.schema.json (Helm 4 checks values against it), and the same --set values. It has
# no template logic, so it is a lower bound on Helm's work for this platform. Set
# HELM_CHART=dir (and HELM_VALUES=file) to pair against another chart instead, e.g. the
# community-charts MLflow chart with the values in scripts/community-chart-values.yaml:
# its directory (charts/mlflow of github.com/community-charts/helm-charts) with its
# subcharts unpacked under charts/ (postgresql with bitnami's common under its own
# charts/, and minio), as `helm dependency build` would leave them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked -q
# .cargo/config.toml builds for the host tuple: the binary is under target/<tuple>/.
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release/mlflow-chart
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
# How current link/hot-functions.txt is (build.rs gives it to the linker; a name the code
# no longer has is skipped, so a stale list only maps more of the binary).
have=$(nm "$bin" | awk '$2 ~ /^[tTwW]$/ {print $3}' | sort -u | comm -12 - <(sort -u link/hot-functions.txt) | wc -l)
echo "hot-function list: $have of $(wc -l < link/hot-functions.txt) names found in the binary (scripts/hot-functions.sh writes it anew)"

# Helm, paired.
venv=.venv-measure
if ! "$venv/bin/python" -c 'import helm_python' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q helm-python-sdk==0.2.2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chart=${HELM_CHART:-}
values=${HELM_VALUES:-$PWD/scripts/all-components.yaml}
label=${HELM_CHART:+$HELM_CHART}
if [ -z "$chart" ]; then
  chart=$work/chart
  label="a chart of this chart's own output"
  mkdir -p "$chart/templates"
  printf 'apiVersion: v2\nname: mlflow\nversion: 0.1.0\nappVersion: "3.17.2"\n' > "$chart/Chart.yaml"
  "$bin" values > "$chart/values.yaml"
  "$bin" schema > "$chart/values.schema.json"
  "$bin" "${args[@]}" --output-dir "$work/out" > /dev/null
  python3 - "$work/out/mlflow-chart/templates" "$chart/templates" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    text = open(os.path.join(src, name), encoding="utf-8").read()
    # Literal text for Go templates ("{{" printed by an action), then the namespace templated.
    text = '{{ "{{" }}'.join(text.split("{{"))
    text = text.replace("namespace: mlflow\n", "namespace: {{ .Release.Namespace }}\n")
    open(os.path.join(dst, name), "w", encoding="utf-8").write(text)
PY
fi
"$venv/bin/python" scripts/helm_render.py "$chart" "$values" > "$work/helm.yaml"
echo "helm renders $(grep -c '^kind:' "$work/helm.yaml") objects; mlflow-chart renders $("$bin" "${args[@]}" | grep -c '^kind:')"
python3 scripts/paired.py "$(python3 -c 'import json, sys; print(json.dumps({"ours": sys.argv[1:-5], "helm": sys.argv[-5:-1], "helm_label": sys.argv[-1], "rounds": 40}))' \
  "$PWD/$bin" "${args[@]}" "$PWD/$venv/bin/python" "$PWD/scripts/helm_render.py" "$chart" "$values" "$label")"
