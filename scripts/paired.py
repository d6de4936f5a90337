"""Paired whole-process timing of two commands: `mlflow-chart render` and Helm rendering a
chart of the same kind (scripts/measure.sh builds both command lines).

Each round runs both, in alternating order, with posix_spawn and wait4, so both pay the
same spawn cost and each one's peak RSS is its own (the kernel's ru_maxrss). It prints the
median wall time and peak RSS of each, and the ratios: of the medians and the median of the
per-round ratios, which a noisy machine moves less. A measurement: it asserts nothing.
"""

import json
import os
import statistics
import sys
import time


def run(argv):
    """Wall seconds and peak RSS (KiB) of one run; exits if the command fails."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    return wall, usage.ru_maxrss


def main():
    spec = json.loads(sys.argv[1])
    rounds = int(spec.get("rounds", 40))
    ours, helm = spec["ours"], spec["helm"]
    for argv in (ours, helm):  # warm the page cache
        run(argv)
        run(argv)
    t_ours, t_helm, r_ours, r_helm, ratios = [], [], [], [], []
    for i in range(rounds):
        pair = [("ours", ours), ("helm", helm)]
        if i % 2:
            pair.reverse()
        got = {name: run(argv) for name, argv in pair}
        t_ours.append(got["ours"][0])
        t_helm.append(got["helm"][0])
        r_ours.append(got["ours"][1])
        r_helm.append(got["helm"][1])
        ratios.append(got["helm"][0] / got["ours"][0])
    med = statistics.median
    print(f"paired runs: {rounds} rounds, alternating order")
    print(f"  mlflow-chart render: {med(t_ours) * 1000:.2f} ms median, "
          f"{med(r_ours) / 1024:.1f} MB peak RSS")
    print(f"  helm ({spec['helm_label']}): {med(t_helm) * 1000:.2f} ms median, "
          f"{med(r_helm) / 1024:.1f} MB peak RSS")
    print(f"  time ratio: {med(t_helm) / med(t_ours):.1f}x (ratio of medians), "
          f"{med(ratios):.1f}x (median of per-round ratios)")
    print(f"  memory ratio: {med(r_helm) / med(r_ours):.1f}x")


if __name__ == "__main__":
    main()
