"""Kernel benchmark: start-to-first-result time and per-cell overhead, through Jupyter's own client.

    /usr/bin/python3 bench_kernel.py [--kernel workbench-java] [--starts 3] [--cells 30] [--out results/bench/kernel.json]

For each of --starts fresh kernels: seconds from launching the kernel to its first reply (kernel_info,
"ready") and to the result of the first cell (`1 + 1`, "first result": JVM start, JShell warm-up, first
compile). Then, on the last kernel, --cells round trips (execute request to reply) of small cells: the
kernel's per-cell overhead (JShell compile + run + messaging).
"""
import argparse
import json
import os
import statistics
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

CELLS = {
    "expression `1 + 1`": "1 + 1",
    "declaration `int v = 1;`": "int v = 1;",
    "print `System.out.println(42)`": "System.out.println(42);",
}


def run(kc, code, timeout=120):
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"bench_kernel: cell failed: {code!r}: {reply['content']}")


def start(kernel):
    t0 = time.monotonic()
    km = KernelManager(kernel_name=kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.monotonic() - t0
    run(kc, "1 + 1")
    return km, kc, ready, time.monotonic() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default="workbench-java")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("results/bench/kernel.json"))
    args = parser.parse_args()

    readies, firsts = [], []
    for i in range(args.starts):
        km, kc, ready, first = start(args.kernel)
        readies.append(ready)
        firsts.append(first)
        if i < args.starts - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    per_cell = {}
    try:
        for name, code in CELLS.items():
            times = []
            for _ in range(args.cells):
                t0 = time.monotonic()
                run(kc, code)
                times.append(time.monotonic() - t0)
            per_cell[name] = times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    result = {
        "kernel": args.kernel,
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "start_to_ready_s": {"median": statistics.median(readies), "all": readies},
        "start_to_first_result_s": {"median": statistics.median(firsts), "all": firsts},
        "per_cell_ms": {k: {"median": 1000 * statistics.median(v), "p90": 1000 * sorted(v)[int(0.9 * (len(v) - 1))]}
                        for k, v in per_cell.items()},
    }
    print(f"kernel {args.kernel} ({os.cpu_count()} cpus, load {result['load_average_1min']:.1f})")
    print(f"  start to ready         median {result['start_to_ready_s']['median']:.2f} s  ({', '.join(f'{t:.2f}' for t in readies)})")
    print(f"  start to first result  median {result['start_to_first_result_s']['median']:.2f} s  ({', '.join(f'{t:.2f}' for t in firsts)})")
    for name, stats in result["per_cell_ms"].items():
        print(f"  per cell, {name:32s} median {stats['median']:6.1f} ms  p90 {stats['p90']:6.1f} ms  (n={args.cells})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
