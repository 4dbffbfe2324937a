using System.Reflection;
using System.Runtime.Loader;

// xunit's console runner, run in this process: the arguments are xunit.console's own
// (Helpers.Tests.dll, -namespace …, -parallel none, -longRunning SECONDS …). See tools/wine-tests.sh.
// The runner and the tests were published beside this program, each with its own deps.json, which
// this program's does not list: an assembly not found otherwise is loaded from this folder.
AssemblyLoadContext.Default.Resolving += (context, name) =>
    Path.Combine(AppContext.BaseDirectory, name.Name + ".dll") is var path && File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
var runner = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "xunit.console.dll"));
return runner.EntryPoint?.Invoke(null, [args]) is int code ? code : 1;
