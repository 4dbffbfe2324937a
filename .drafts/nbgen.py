import json, sys
def md(s): return {"cell_type":"markdown","metadata":{},"source":s.strip("\n").splitlines(True)}
def cs(s): return {"cell_type":"code","execution_count":None,"metadata":{"dotnet_interactive":{"language":"csharp"},"polyglot_notebook":{"kernelName":"csharp"}},"outputs":[],"source":s.strip("\n").splitlines(True)}
def write(path, cells):
    nb={"cells":cells,"metadata":{"kernelspec":{"display_name":".NET (C#)","language":"C#","name":".net-csharp"},
        "language_info":{"name":"polyglot-notebook"},
        "polyglot_notebook":{"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}},
        "nbformat":4,"nbformat_minor":5}
    for i,c in enumerate(cells): c["id"]=f"c{i:02d}"
    json.dump(nb, open(path,"w",encoding="utf-8"), ensure_ascii=False, indent=1); open(path,"a").write("\n")
SETUP=[md("""
**Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.
"""),
cs("""
// A build, not a Process of the helpers: those are not loaded yet.
var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", "build ../Helpers.csproj -nologo -v q") { RedirectStandardOutput = true })!;
var buildLog = build.StandardOutput.ReadToEnd();
build.WaitForExit();
if (build.ExitCode != 0) throw new Exception("Building the helpers failed:\\n" + buildLog);
"helpers built: ../bin/Helpers.dll"
"""),
cs("""
#r "../bin/Helpers.dll"
using Helpers.Multiprocessing;
using static Helpers.Multiprocessing.Mp;   // ActiveChildren(), CpuCount(), CurrentProcess(), ParentProcess()
""")]
