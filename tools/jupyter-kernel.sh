#!/usr/bin/env bash
# Installs (or fixes) the Jupyter kernel the notebooks use, the .NET Interactive C# kernel
# (.net-csharp), so that Jupyter's stop button interrupts a cell instead of killing the kernel.
#
# `dotnet interactive jupyter install` writes a kernelspec without "interrupt_mode", and Jupyter then
# interrupts by signal: SIGINT to the kernel's process group, which ends the .NET kernel and the
# helpers' children with it. With "interrupt_mode": "message", Jupyter sends an interrupt_request
# instead, which .NET Interactive turns into a Cancel of the running cell, as VS Code's stop button
# does. This script sets that one key in the .net-csharp kernelspec and changes nothing else (the
# F# and PowerShell kernels are left as they are). Run it again at any time: it is idempotent.
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
${python} - "$dir/kernel.json" <<'PY'
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    spec = json.load(f)
if spec.get("interrupt_mode") != "message":
    spec["interrupt_mode"] = "message"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print(f"{path}: interrupt_mode set to message")
else:
    print(f"{path}: interrupt_mode is already message")
PY
