using System.Reflection;

// xunit's console runner, run in this process: the arguments are xunit.console's own
// (Helpers.Tests.dll, -namespace …, -parallel none, -longRunning SECONDS …). See tools/wine-tests.sh.
var runner = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "xunit.console.dll"));
return runner.EntryPoint?.Invoke(null, [args]) is int code ? code : 1;
