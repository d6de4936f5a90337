"""Paired whole-process timing of two commands: `mlflow-chart render` and Helm rendering a
chart of the same kind (scripts/measure.sh builds both command lines).

Each round runs both, in alternating order, with posix_spawn and wait4, so both pay the
same spawn cost. It prints the median wall time of each and the ratios: of the medians and
the median of the per-round ratios, which a noisy machine moves less.

Peak RSS is measured apart, under /usr/bin/time: a child started by posix_spawn (vfork)
or fork carries this Python process's own peak into its ru_maxrss (the kernel keeps the
larger of the old and the new memory's peak at exec), which would hide any figure below
Python's. /usr/bin/time forks from a process of about 2 MB. A measurement: it asserts
nothing.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv):
    """Wall seconds of one run; exits if the command fails."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, _ = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    return wall


def peak_rss(argv, runs=5):
    """Median peak RSS (KiB) of `runs` runs under /usr/bin/time."""
    fd, path = tempfile.mkstemp()
    os.close(fd)
    try:
        peaks = []
        for _ in range(runs):
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", path, *argv],
                           stdout=subprocess.DEVNULL, check=True)
            with open(path) as f:
                peaks.append(int(f.read().split()[-1]))
        return statistics.median(peaks)
    finally:
        os.remove(path)


def main():
    spec = json.loads(sys.argv[1])
    rounds = int(spec.get("rounds", 40))
    ours, helm = spec["ours"], spec["helm"]
    for argv in (ours, helm):  # warm the page cache
        run(argv)
        run(argv)
    t_ours, t_helm, ratios = [], [], []
    for i in range(rounds):
        pair = [("ours", ours), ("helm", helm)]
        if i % 2:
            pair.reverse()
        got = {name: run(argv) for name, argv in pair}
        t_ours.append(got["ours"])
        t_helm.append(got["helm"])
        ratios.append(got["helm"] / got["ours"])
    rss_ours, rss_helm = peak_rss(ours), peak_rss(helm)
    med = statistics.median
    print(f"paired runs: {rounds} rounds, alternating order")
    print(f"  mlflow-chart render: {med(t_ours) * 1000:.2f} ms median, "
          f"{rss_ours / 1024:.1f} MB peak RSS")
    print(f"  helm ({spec['helm_label']}): {med(t_helm) * 1000:.2f} ms median, "
          f"{rss_helm / 1024:.1f} MB peak RSS")
    print(f"  time ratio: {med(t_helm) / med(t_ours):.1f}x (ratio of medians), "
          f"{med(ratios):.1f}x (median of per-round ratios)")
    print(f"  memory ratio: {rss_helm / rss_ours:.1f}x")


if __name__ == "__main__":
    main()
