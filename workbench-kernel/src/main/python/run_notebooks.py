"""Executes notebooks headlessly with Jupyter's nbclient and saves the executed copies.

    /usr/bin/python3 run_notebooks.py [--out results/notebooks] [--timeout 900] [--kernel NAME] PATH...

PATH is a notebook or a folder of notebooks. Every executed notebook is written to --out, also when it
fails (the outputs show where). A notebook fails on an error in a cell not tagged `raises-exception`, a
dead kernel, a cell running longer than --timeout seconds (the kernel's process group is then killed)
or a kernel that does not start. A notebook with metadata {"workbench": {"skip": "reason"}} is not run
and is reported as SKIPPED with its reason. Exit status: 0 when no notebook failed, 1 otherwise.
"""
import argparse
import os
import signal
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


class Run:
    """One notebook's execution; remembers the kernel process so it can be killed whatever happens."""

    def __init__(self, path, out_dir, timeout, kernel):
        self.path, self.out_dir, self.timeout, self.kernel = path, out_dir, timeout, kernel
        self.kernel_pid = None

    def execute(self):
        nb = nbformat.read(self.path, as_version=4)
        out = self.out_dir / self.path.name
        skip = nb.metadata.get("workbench", {}).get("skip")
        if skip:
            out.unlink(missing_ok=True)  # no stale result for a notebook that was not run
            return "SKIPPED", skip
        # "immediate": the kernel's process group is killed (SIGKILL) as soon as the notebook ends or fails
        client = NotebookClient(nb, timeout=self.timeout, startup_timeout=120, record_timing=True,
                                shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(self.path.parent)}},
                                **({"kernel_name": self.kernel} if self.kernel else {}))
        client.on_notebook_start = lambda **_: self._remember_kernel(client.km)
        try:
            client.execute()
            return "PASSED", ""
        except CellTimeoutError as e:
            return "FAILED", f"timeout: {first_line(e)} (kernel pid {self.kernel_pid} and its process group killed)"
        except DeadKernelError as e:
            return "FAILED", f"the kernel died: {first_line(e)}"
        except CellExecutionError as e:
            return "FAILED", error_summary(e)
        except Exception as e:  # kernel did not start, bad notebook, ...
            return "FAILED", f"{type(e).__name__}: {first_line(e)}"
        finally:
            self._kill_kernel()
            write_atomically(nb, out)

    def _remember_kernel(self, km):
        provisioner = getattr(km, "provisioner", None)
        self.kernel_pid = getattr(getattr(provisioner, "process", None), "pid", None)

    def _kill_kernel(self):
        """Makes sure the kernel is gone: kills its process group (the kernel leads its own session)."""
        pid = self.kernel_pid
        if not pid or not alive(pid):
            return
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a killed child not yet reaped is a zombie: dead for our purposes
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def first_line(e):
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def error_summary(e):
    """The failing cell's error name and value (nbclient puts the whole traceback in the message)."""
    ename, evalue = getattr(e, "ename", None), getattr(e, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return first_line(e)


def write_atomically(nb, out):
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, out)


def notebooks(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.glob("*.ipynb"))
        elif p.suffix == ".ipynb" and p.exists():
            yield p
        else:
            raise SystemExit(f"run_notebooks: not a notebook or folder: {p}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--out", default="results/notebooks", type=Path)
    parser.add_argument("--timeout", default=900, type=int, help="seconds per cell")
    parser.add_argument("--kernel", default=None, help="kernel name (default: the notebook's kernelspec)")
    args = parser.parse_args(argv)
    # a SIGTERM (e.g. an outer timeout) unwinds like Ctrl-C, so the kernel is killed and the copy saved
    signal.signal(signal.SIGTERM, raise_interrupt)

    failed = 0
    for path in notebooks(args.paths):
        start = time.monotonic()
        status, detail = Run(path, args.out, args.timeout, args.kernel).execute()
        failed += status == "FAILED"
        print(f"{status:8s} {path.name}  {time.monotonic() - start:6.1f} s  {detail}".rstrip(), flush=True)
    print(f"run_notebooks: {failed} failed; executed copies in {args.out}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
