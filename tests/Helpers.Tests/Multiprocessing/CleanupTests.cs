using System.Runtime.CompilerServices;
using Helpers.Multiprocessing;
using Xunit;
using MP = Helpers.Multiprocessing;

namespace Helpers.Tests.Multiprocessing;

/// <summary>
/// Nothing left behind: every object frees its OS names on Dispose (composite ones too), a refused
/// constructor leaves nothing, a dropped object is freed when collected, and what is created is private.
/// </summary>
public sealed class CleanupTests(LeakCheck leaks) : IClassFixture<LeakCheck>
{
    public static TheoryData<string> Kinds => [.. Makers.Keys];

    private static readonly Dictionary<string, Func<IDisposable>> Makers = new()
    {
        ["Lock"] = () => new MP.Lock(),
        ["RLock"] = () => new RLock(),
        ["Semaphore"] = () => new MP.Semaphore(2),
        ["BoundedSemaphore"] = () => new BoundedSemaphore(2),
        ["Condition()"] = () => new Condition(),
        ["Event"] = () => new MP.Event(),
        ["Barrier"] = () => new MP.Barrier(2),
        ["Queue"] = () => new MP.Queue<int>(),
        ["JoinableQueue"] = () => new JoinableQueue<int>(),
        ["Value"] = () => new Value<int>(1),
        ["Array"] = () => new Array<double>(10),
        ["SharedMemory"] = () => new SharedMemory(100),
        ["Pipe"] = () => Pipe.Create() is var (a, b) ? new Both(a, b) : null!,
        ["Condition(lock)"] = () => new MP.Lock() is var l ? new Both(new Condition(l), l) : null!,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Dispose_removes_every_os_name_it_created(string kind)
    {
        var before = Names();
        var made = Makers[kind]();
        var created = Names().Except(before).ToList();
        Assert.NotEmpty(created);
        if (!OperatingSystem.IsWindows())
        {
            // A queue's spill prefix names files that exist only while large items wait.
            Assert.All(created.Where(n => !n.EndsWith("-spill-", StringComparison.Ordinal)), name => Assert.True(Exists(name), $"{name} of {kind} should exist until Dispose"));
        }

        made.Dispose();
        Assert.Empty(Names().Intersect(created));
        Assert.All(created, name => Assert.False(Exists(name), $"{name} of {kind} is left after Dispose"));
    }

    [Fact]
    public void Each_object_names_the_type_it_was_created_for()
    {
        using var e = new MP.Event();
        using var q = new JoinableQueue<string>();
        var mine = Mp.SharedObjects();
        Assert.Contains(mine, o => o.CreatedFor == "Event" && o.Kind == "semaphore");
        Assert.Contains(mine, o => o.CreatedFor == "Event" && o.Kind == "shared memory");
        Assert.Contains(mine, o => o.CreatedFor == "JoinableQueue<String>");
    }

    public static TheoryData<string> Refusals => [.. RefusedMakers.Keys];

    private static readonly Dictionary<string, Action> RefusedMakers = new()
    {
        ["Pool(0)"] = () => _ = new Pool(0),
        ["Pool(-1)"] = () => _ = new Pool(-1),
        ["Pool(3, maxtasksperchild: -1)"] = () => _ = new Pool(3, maxtasksperchild: -1),
        ["Pool(1, maxtasksperchild: 0)"] = () => _ = new Pool(1, maxtasksperchild: 0),
        ["Pool(1, initializer: lambda)"] = () => _ = new Pool(1, initializer: () => { }),
        ["Barrier(0)"] = () => _ = new MP.Barrier(0),
        ["Barrier(2, timeout: NaN)"] = () => _ = new MP.Barrier(2, timeout: double.NaN),
        ["Semaphore(-1)"] = () => _ = new MP.Semaphore(-1),
        ["BoundedSemaphore(-1)"] = () => _ = new BoundedSemaphore(-1),
        ["Array(-1)"] = () => _ = new Array<int>(-1),
        ["Condition(Semaphore)"] = () => _ = new Condition(new ThrowawaySemaphore()),
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_constructor_leaves_nothing(string call)
    {
        var before = Names();
        Assert.ThrowsAny<ArgumentException>(RefusedMakers[call]);
        Assert.Empty(Names().Except(before));
    }

    [Fact]
    public void Parts_made_before_a_constructor_throws_are_freed()
    {
        var before = Names();
        var made = new List<string>();
        Assert.Throws<InvalidOperationException>(() => Parts.Build<object>(typeof(Event), parts =>
        {
            _ = parts.Add(new MP.Lock());
            _ = parts.Add(new SharedMemory(64));
            made.AddRange(Names().Except(before));
            throw new InvalidOperationException("a later part failed");
        }));
        Assert.NotEmpty(made);
        Assert.Empty(Names().Except(before));
        Assert.All(made, name => Assert.False(Exists(name), $"{name} is left after its constructor threw"));
    }

    [Fact]
    public void Objects_dropped_without_dispose_are_freed_when_collected()
    {
        var names = MakeAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Empty(Names().Intersect(names));
        Assert.All(names, name => Assert.False(Exists(name), $"{name} is left after its object was collected"));
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Shared_memory_spill_files_and_semaphores_are_private_to_their_owner()
    {
        using var q = new MP.Queue<byte[]>();
        using var v = new Value<long>(3);
        q.Put(new byte[10 << 20]); // Larger than half the ring: spilled to a file of its own.
        var files = Directory.GetFiles(SharedMemory.Folder, $"hmp-{Environment.ProcessId}-*");
        Assert.Contains(files, f => f.Contains("-spill-", StringComparison.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        if (OperatingSystem.IsLinux())
        {
            var semaphores = Directory.GetFiles(SharedMemory.Folder, $"sem.hmp-{Environment.ProcessId}-*");
            Assert.NotEmpty(semaphores);
            foreach (var semaphore in semaphores)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(semaphore));
            }
        }

        Assert.Equal(10 << 20, q.Get(timeout: 60).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_child_ended_by_a_signal_leaves_none_of_the_runtimes_files(bool kill)
    {
        // The .NET runtime's debugger pipes and diagnostics socket (Linux, macOS); a runtime killed by
        // a signal cannot remove them, so its parent does. Windows makes none.
        var child = new MP.Process(Targets.Sleep, 60.0);
        child.Start();
        var pid = child.Pid!.Value;
        var since = System.Diagnostics.Process.GetProcessById(pid).StartTime.ToUniversalTime().AddSeconds(-1);

        // Named clr-debug-pipe-PID-KEY-in and -out, dotnet-diagnostic-PID-KEY-socket, KEY the start
        // time. An older process that had this pid and was killed left files of its own, with a
        // smaller key; those made before this child started are not its.
        string[] Files(string key) => [.. new[] { "clr-debug-pipe", "dotnet-diagnostic" }
            .SelectMany(prefix => Directory.GetFiles(Path.GetTempPath(), $"{prefix}-{pid}-{key}*"))
            .Where(f => File.GetLastWriteTimeUtc(f) >= since)];
        string? Newest() => Files("").Select(f => Path.GetFileName(f).Split('-')).Select(parts => ulong.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty().Max() is var k and > 0 ? $"{k}-" : null;
        var key = "none";
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(Wait.Until(() => Newest() is { } k && Files(key = k).Length == 3, seconds: 60), $"the child's runtime never made its three files: {string.Join(", ", Files(""))}");
        }

        if (kill)
        {
            child.Kill();
        }
        else
        {
            child.Terminate();
        }

        child.Join();
        Assert.Empty(Files(key));
    }

    [Fact]
    public void A_file_planted_under_the_expected_name_is_never_opened()
    {
        using var dir = new TempDir();
        var planted = dir.File("hmp-planted");
        File.WriteAllText(planted, "someone else's");
        Assert.Throws<IOException>(() => SharedMemory.CreateFile(planted).Dispose());
        Assert.Equal("someone else's", File.ReadAllText(planted));
    }

    [Fact]
    public void The_test_suite_leak_check_sees_what_a_class_leaves()
    {
        var kept = new MP.Lock();
        try
        {
            Assert.Contains(leaks.Left(), o => o.CreatedFor == "Lock");
        }
        finally
        {
            kept.Dispose();
        }

        Assert.DoesNotContain(leaks.Left(), o => o.CreatedFor == "Lock");
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_new_tracker_sweeps_the_names_of_processes_that_are_gone_and_keeps_the_rest()
    {
        using var dir = new TempDir();
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        var orphan = dir.File($"hmp-{ended.Id}-shm-5ee9ed");
        var live = dir.File($"hmp-{Environment.ProcessId}-shm-5ee9ed");
        var notOurs = dir.File("someone-else");
        File.WriteAllText(orphan, "left by a process that was killed with its tracker");
        File.WriteAllText(live, "still in use");
        File.WriteAllText(notOurs, "not a helpers name");
        ResourceTracker.Sweep(dir.Path);
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(notOurs));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<string> MakeAndDrop()
    {
        var before = Names();
        _ = new MP.Event();
        _ = new MP.Queue<int>();
        _ = new Value<int>(1);
        return [.. Names().Except(before)];
    }

    private static HashSet<string> Names() => [.. Mp.SharedObjects().Select(o => o.Name)];

    private static bool Exists(string name) =>
        !OperatingSystem.IsWindows() && (File.Exists(Path.Combine(SharedMemory.Folder, name)) || File.Exists(Path.Combine(SharedMemory.Folder, "sem." + name))
            || (name.EndsWith("-spill-", StringComparison.Ordinal) && Directory.GetFiles(SharedMemory.Folder, name + "*").Length > 0));

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    private sealed class ThrowawaySemaphore : IAcquirable
    {
        public bool Acquire(bool block = true, double? timeout = null) => true;

        public void Release()
        {
        }
    }
}
