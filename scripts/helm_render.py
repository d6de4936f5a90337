"""Helm's whole process for scripts/measure.sh: load a chart, render it with a values file
through Helm's own Go SDK (helm-python-sdk, Helm 4), and print the manifests like
`helm template` (templates in name order). Usage: helm_render.py CHART_DIR VALUES_FILE."""

import sys

import helm_python as helm


def main():
    chart_dir, values_file = sys.argv[1], sys.argv[2]
    with open(values_file, encoding="utf-8") as f:
        values = helm.values_from_yaml(f.read())
    with helm.Chart.load(chart_dir) as chart:
        out = chart.render(values, name="mlflow", namespace="mlflow", is_install=True)
    for name in sorted(out):
        if out[name].strip() and not name.endswith("NOTES.txt"):
            sys.stdout.write(f"---\n# Source: {name}\n{out[name]}\n")


if __name__ == "__main__":
    main()
