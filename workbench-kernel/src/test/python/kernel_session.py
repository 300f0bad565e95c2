"""Drives a real kernel through Jupyter's own client (jupyter_client), for the kernel's JUnit tests.

Reads a JSON request on stdin: {"kernel": NAME, "steps": [STEP...]} where a STEP is
  {"code": "...", "timeout": 60, "interrupt_after": 2.0}   execute a cell (optionally interrupt it)
  {"restart": true}                                      restart the kernel (a new process)
and writes to the file named by its argument a JSON list with one result per step: status (ok | error | timeout), ename, evalue,
traceback, stdout, stderr, outputs (the data of execute_result / display_data), seconds.
"""
import json
import sys
import threading
import time

from jupyter_client.manager import KernelManager


def execute(km, kc, step):
    timeout = step.get("timeout", 60)
    start = time.monotonic()
    msg_id = kc.execute(step["code"])
    if "interrupt_after" in step:
        threading.Timer(step["interrupt_after"], km.interrupt_kernel).start()
    result = {"status": None, "stdout": "", "stderr": "", "outputs": [], "traceback": []}
    deadline = start + timeout
    idle = False
    while not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            result["status"] = "timeout"
            return result
        try:
            msg = kc.get_iopub_msg(timeout=left)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            result[content["name"]] += content["text"]
        elif kind in ("execute_result", "display_data"):
            result["outputs"].append({"type": kind, "data": content["data"]})
        elif kind == "error":
            result.update(ename=content["ename"], evalue=content["evalue"], traceback=content["traceback"])
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            result["status"] = "timeout"
            return result
        reply = kc.get_shell_msg(timeout=left)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    result["status"] = reply["content"]["status"]
    result["seconds"] = time.monotonic() - start
    return result


def main():
    request = json.load(sys.stdin)
    km = KernelManager(kernel_name=request["kernel"])
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=60)
        for step in request["steps"]:
            if step.get("restart"):
                start = time.monotonic()
                kc.stop_channels()
                km.restart_kernel(now=False)
                kc = km.client()
                kc.start_channels()
                kc.wait_for_ready(timeout=60)
                results.append({"status": "restarted", "seconds": time.monotonic() - start})
            else:
                results.append(execute(km, kc, step))
    finally:
        with open(sys.argv[1], "w") as out:
            json.dump(results, out)
        kc.stop_channels()
        km.shutdown_kernel(now=False)


if __name__ == "__main__":
    main()
