"""Interrupts a running cell of the .net-csharp kernel as Jupyter's stop button does, and reports
whether the kernel survived: one line of JSON. Used by KernelInterruptTests.

jupyter_client's KernelManager reads the kernelspec: with "interrupt_mode": "message" (what
tools/jupyter-kernel.sh sets) it sends an interrupt_request; without it, SIGINT.
"""
import html
import json
import os
import queue
import re
import sys
import time

from jupyter_client.manager import KernelManager


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
        started = time.monotonic()
        msg_id = kc.execute("System.Threading.Thread.Sleep(4000);")
        time.sleep(1.5)
        km.interrupt_kernel()
        try:
            reply = kc.get_shell_msg(timeout=60)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=60)
            report["interrupted_cell"] = reply["content"]["status"]
        except queue.Empty:
            report["interrupted_cell"] = "no reply"
        report["seconds"] = round(time.monotonic() - started, 1)
        time.sleep(1)
        report["alive"] = km.is_alive()
        if report["alive"]:
            def shown(msg):
                data = msg["content"].get("data", {})
                if "text/plain" in data:
                    report["next"] = data["text/plain"].strip()
                elif "text/html" in data:
                    report["next"] = html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", "", data["text/html"], flags=re.S)).strip()

            result = kc.execute_interactive("6 * 7", timeout=120, output_hook=shown)
            report["next_status"] = result["content"]["status"]
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
