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

    // ICU is loaded by the first CultureInfo (an AssemblyName builds one; the console builds one to
    // look up the locale's charset) and costs about 15 ms of CPU a start: a child pays it only when
    // its target formats text, never for the start path's own work.
    [LinuxTheory]
    [InlineData("spawn")]
    [InlineData("standby")]
    public void A_child_whose_target_formats_no_text_never_loads_ICU(string method)
    {
        using var scope = new StartMethodScope(method);
        if (method == Mp.StandbyMethod)
        {
            // A first start readies a spare, which runs the whole start path as its warm-up.
            var first = new Process(Targets.Nothing);
            first.Start();
            first.Join(60);
            Assert.True(Wait.Until(() => Standby.ReadyPids.Count > 0), "no spare got ready");
        }

        var p = new Process(Targets.RecordIcu, temp.File("icu"));
        p.Start();
        p.Join(60);

        Assert.Equal(0, p.ExitCode);
        Assert.Equal("no ICU", File.ReadAllText(temp.File("icu")));
    }

    private void ChildRunsOnThisRuntime(bool apphost)
    {
        ChildHost.UseApphost = apphost;
        var line = ChildHost.CommandLine();
        var p = new Process(Targets.RecordHost, temp.File("host"));
        using (new StartMethodScope(Mp.SpawnMethod)) // A spare would have started the other way.
        {
            p.Start();
            p.Join(60);
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
