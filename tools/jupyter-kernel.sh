#!/usr/bin/env bash
# Installs (or fixes) the Jupyter kernel the notebooks use, the .NET Interactive C# kernel
# (.net-csharp), so that Jupyter's stop button interrupts a cell instead of ending the kernel.
#
# Jupyter interrupts a kernel in one of two ways, chosen by the kernelspec's "interrupt_mode":
# "signal" (the default) sends SIGINT to the kernel's process group; "message" sends an
# interrupt_request on the control channel, which .NET Interactive's Jupyter layer ignores (its
# control channel answers only shutdown_request). And SIGINT ends a .NET kernel: its host stops.
# So this script puts tools/kernel-launch.sh in front of the kernel's command line: the kernel
# starts with SIGINT ignored, and the launcher turns Jupyter's SIGINT into a SIGUSR1, which the
# helpers take as the stop button (see the README). It sets "interrupt_mode": "signal" (fixing the
# "message" an earlier version wrote) and changes nothing else in the .net-csharp kernelspec; the F#
# and PowerShell kernels are left as they are. Run it again at any time: it is idempotent.
# On Windows (Git Bash) it only installs the kernel: Jupyter has no SIGINT to forward there.
#   usage: bash tools/jupyter-kernel.sh          (needs the .NET SDK and Jupyter: jupyter-client)
set -euo pipefail
export PATH="$PATH:$HOME/.dotnet/tools"
version=1.0.712001   # the final release of .NET Interactive's tool (deprecated in 2026), pinned
if ! command -v dotnet-interactive >/dev/null; then
  dotnet tool install -g Microsoft.dotnet-interactive --version "$version" >/dev/null
fi
jupyter=$(command -v jupyter || echo /usr/bin/jupyter)
[ -x "$jupyter" ] || { echo "jupyter is not installed (Debian: apt-get install jupyter-client; else pip install jupyter_client)" >&2; exit 1; }
if ! "$jupyter" kernelspec list 2>/dev/null | grep -q '^ *\.net-csharp '; then
  # dotnet-interactive finds jupyter on PATH; it installs the C#, F# and PowerShell kernelspecs.
  PATH="$(dirname "$jupyter"):$PATH" dotnet interactive jupyter install >/dev/null
fi
dir=$("$jupyter" kernelspec list | awk '$1 == ".net-csharp" { print $2 }')
[ -f "$dir/kernel.json" ] || { echo "no .net-csharp kernelspec after installing it; see 'jupyter kernelspec list'" >&2; exit 1; }
python=$(head -1 "$jupyter" | sed -n 's/^#!//p'); [ -x "${python%% *}" ] || python=python3
unix=1; case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) unix=0 ;; esac
[ "$unix" = 0 ] || cp "$(dirname "$0")/kernel-launch.sh" "$dir/kernel-launch.sh"
${python} - "$dir/kernel.json" "$unix" <<'PY'
import json, sys
path, unix = sys.argv[1], sys.argv[2] == "1"
with open(path, encoding="utf-8") as f:
    spec = json.load(f)
before = json.dumps(spec, sort_keys=True)
spec["interrupt_mode"] = "signal"
launch = ["/bin/sh", "{resource_dir}/kernel-launch.sh"]
if unix and spec["argv"][:2] != launch:
    spec["argv"] = launch + spec["argv"]
if json.dumps(spec, sort_keys=True) != before:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print(f"{path}: the stop button now interrupts a cell (interrupt_mode signal, through kernel-launch.sh)")
else:
    print(f"{path}: already set up; nothing changed")
PY
