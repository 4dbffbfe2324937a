"""Interrupts running cells of the .net-csharp kernel as Jupyter's stop button does, and reports
whether the kernel survived each interrupt: one line of JSON. Used by KernelInterruptTests.

jupyter_client's KernelManager reads the kernelspec: with "interrupt_mode": "signal" (the default,
which tools/jupyter-kernel.sh writes) it sends SIGINT to the kernel's process group.

Usage: interrupt.py HELPERS_DLL. The helpers are loaded first (they take over SIGINT); then a cell in
Thread.Sleep, a Join on a child that never ends and a deadlock of two threads on two locks are
interrupted, each followed by a cell that must run.
"""
import html
import json
import os
import queue
import re
import sys
import time

from jupyter_client.manager import KernelManager

SETUP = """#r "{dll}"
using mp = Helpers.Multiprocessing;
void Forever() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
mp.Mp.CpuCount()"""

JOIN = """var p = new mp.Process(Forever);
p.Start();
p.Join();"""

DEADLOCK = """var a = new mp.Lock();
var b = new mp.Lock();
var both = new mp.Barrier(2);
void Take(mp.Lock first, mp.Lock second) { first.Acquire(); both.Wait(); second.Acquire(); }
var t1 = new Helpers.Threading.Thread((Action)(() => Take(a, b)));
var t2 = new Helpers.Threading.Thread((Action)(() => Take(b, a)));
t1.Start();
t2.Start();
t1.Join();"""


def run(km, kc, code, wait=None):
    """Runs a cell; returns (status, text shown). With wait, interrupts it after that many seconds."""
    shown = []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            shown.append(content["text"])
        elif msg["msg_type"] == "error":
            shown.append(content.get("evalue", ""))
        else:
            data = content.get("data", {})
            if "text/plain" in data:
                shown.append(data["text/plain"])
            elif "text/html" in data:
                shown.append(html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", "", data["text/html"], flags=re.S)))

    if wait is None:
        reply = kc.execute_interactive(code, timeout=120, output_hook=hook)
        return reply["content"]["status"], "".join(shown).strip()
    msg_id = kc.execute(code)
    time.sleep(wait)
    km.interrupt_kernel()
    try:
        reply = kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=60)
        return reply["content"]["status"], reply["content"].get("evalue", "")
    except queue.Empty:
        return "no reply", ""


def main():
    # The kernelspec runs `dotnet interactive`: a global tool, in ~/.dotnet/tools.
    os.environ["PATH"] += os.pathsep + os.path.expanduser(os.path.join("~", ".dotnet", "tools"))
    km = KernelManager(kernel_name=".net-csharp")
    report = {"interrupt_mode": km.kernel_spec.interrupt_mode}
    km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=180)
        report["setup"], _ = run(km, kc, SETUP.format(dll=sys.argv[1]))
        for name, code in [("sleep", "System.Threading.Thread.Sleep(4000);"), ("join", JOIN), ("deadlock", DEADLOCK)]:
            result = report[name] = {}
            started = time.monotonic()
            result["interrupted_cell"], result["error"] = run(km, kc, code, wait=1.5 if name == "sleep" else 3)
            time.sleep(0.5)
            result["alive"] = km.is_alive()
            if not result["alive"]:
                break
            # The next cell runs once the interrupted code has ended.
            result["next_status"], result["next"] = run(km, kc, "6 * 7")
            result["seconds_to_next"] = round(time.monotonic() - started, 1)
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
