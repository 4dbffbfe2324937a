using System.Runtime.InteropServices;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>How a child program starts: the helpers' apphost or the dotnet muxer, on this process's runtime.</summary>
public sealed class ChildHostTests : IClassFixture<LeakCheck>, IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose()
    {
        ChildHost.UseApphost = null;
        temp.Dispose();
    }

    [Fact]
    public void Through_the_apphost_a_child_runs_on_this_process_runtime() => ChildRunsOnThisRuntime(apphost: true);

    [MuxerFact]
    public void Through_the_dotnet_muxer_a_child_runs_on_this_process_runtime() => ChildRunsOnThisRuntime(apphost: false);

    private void ChildRunsOnThisRuntime(bool apphost)
    {
        ChildHost.UseApphost = apphost;
        var line = ChildHost.CommandLine();
        var p = new Process(Targets.RecordHost, temp.File("host"));
        Mp.SetStartMethod(Mp.SpawnMethod, force: true); // A spare would have started the other way.
        try
        {
            p.Start();
            p.Join(60);
        }
        finally
        {
            Mp.SetStartMethod(null, force: true);
        }

        Assert.Equal(0, p.ExitCode);
        var (program, runtime) = File.ReadAllLines(temp.File("host")) is [var a, var b] ? (a, b) : throw new InvalidDataException("two lines expected");
        Assert.Equal(RuntimeEnvironment.GetRuntimeDirectory(), runtime);
        var expected = apphost ? (OperatingSystem.IsWindows() ? "Helpers.exe" : "Helpers") : (OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        Assert.Equal(expected, Path.GetFileName(program));
        Assert.Equal(line[0], program);
        Assert.Equal(apphost ? [program] : [program, "exec", ChildHost.HelpersDll], line);
    }
}
