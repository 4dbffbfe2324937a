#!/bin/sh
# Starts the .NET Interactive kernel for Jupyter so that its stop button interrupts a cell instead of
# ending the kernel. tools/jupyter-kernel.sh copies this file into the .net-csharp kernelspec and
# puts it in front of the kernel's command line ("argv").
#
# Jupyter interrupts a kernel with SIGINT to its process group, and a .NET kernel ends on SIGINT
# (its host stops). So the kernel starts with SIGINT ignored, and this launcher turns each SIGINT it
# gets into a SIGUSR1 to the kernel, which the helpers take as the stop button (Helpers.Notebook's
# CellInterrupt). The helpers' children ignore SIGINT too: an interrupt stops the children of the
# interrupted cell, and no other. The launcher and the kernel stay in one process group, so Jupyter's
# restart or kill (SIGKILL to the group) ends both; SIGTERM and SIGHUP are passed on.
# `dotnet interactive` runs the tool as a child of the SDK's command, which would get the SIGUSR1:
# run the tool itself (a global tool, in ~/.dotnet/tools).
if [ "$1" = dotnet ] && [ "$2" = interactive ]; then
  tool=$(command -v dotnet-interactive || echo "$HOME/.dotnet/tools/dotnet-interactive")
  if [ -x "$tool" ]; then shift 2; set -- "$tool" "$@"; fi
fi
trap '' INT
"$@" &
kernel=$!
trap 'kill -USR1 "$kernel" 2>/dev/null' INT
trap 'kill -TERM "$kernel" 2>/dev/null' TERM HUP
while :; do
  wait "$kernel"
  status=$?
  kill -0 "$kernel" 2>/dev/null || exit "$status"
done
