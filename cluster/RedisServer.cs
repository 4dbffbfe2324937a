using System.Net;
using System.Net.Sockets;
using Helpers.Multiprocessing;

namespace Helpers.Cluster;

/// <summary>
/// A <c>redis-server</c> of a <see cref="LocalCluster"/>'s own, on 127.0.0.1, keeping nothing on disk:
/// the membership table, so that the cluster survives any silo.
/// </summary>
/// <remarks>
/// Started through <c>/bin/sh</c> with the helpers' lifeline idea: the shell waits on its standard
/// input, a pipe from this process, and when that pipe closes (<see cref="Dispose"/>, or this
/// process dying in any way, a SIGKILL too) it kills redis-server, waits for it and removes its
/// directory. Redis itself cannot watch its parent.
/// </remarks>
internal sealed class RedisServer : IDisposable
{
    // $0 is redis' directory, "$@" the command. The shell gives redis its stdout (our pipe, for the
    // "ready" line) and lets go of it, so that the pipe ends exactly when redis does; then `cat`
    // waits for the lifeline to close. The keeper and its cat ignore the signals a terminal or a
    // process-group kill sends (redis does not), so that the cleanup runs whatever ends the parent.
    private const string Keeper = """
        dir=$0
        "$@" 2>&1 &
        redis=$!
        exec >/dev/null 2>&1
        trap '' HUP INT TERM
        cat
        kill -9 $redis
        wait $redis
        rm -rf "$dir"
        """;

    private readonly System.Diagnostics.Process keeper;
    private readonly string directory;
    private int disposed;

    private RedisServer(System.Diagnostics.Process keeper, string directory, int port)
    {
        (this.keeper, this.directory, Port) = (keeper, directory, port);
    }

    /// <summary>The port redis listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The address silos and client are given.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The path of <paramref name="command"/>: itself if it names a file, else the first match on PATH; null if none.</summary>
    public static string? Find(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command) ? Path.GetFullPath(command) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts redis-server (<paramref name="path"/>) and returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">It exited while starting (its output is in the message).</exception>
    /// <exception cref="TimeoutException">It was not ready by <paramref name="deadline"/>.</exception>
    public static RedisServer Start(string path, Deadline deadline)
    {
        var directory = Directory.CreateTempSubdirectory("helpers-redis-").FullName;
        var port = FreeLoopbackPorts(1)[0];
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // No persistence (no RDB snapshot, no append-only file): the table lives as long as the cluster.
        foreach (var arg in (string[])["-c", Keeper, directory, path, "--bind", "127.0.0.1", "--port", $"{port}", "--save", "", "--appendonly", "no", "--dir", directory])
        {
            info.ArgumentList.Add(arg);
        }

        var keeper = System.Diagnostics.Process.Start(info)!;
        var server = new RedisServer(keeper, directory, port);
        try
        {
            server.WaitUntilReady(deadline);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Ports the OS says are free now, on loopback (another program could take one before it is bound: its user then fails, and says so).</summary>
    public static List<int> FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>Closes the lifeline: the keeper kills redis-server and removes its directory; waits for that.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        try
        {
            keeper.StandardInput.Close();
        }
        catch (IOException)
        {
            // The keeper is gone already.
        }

        if (!keeper.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            keeper.Kill(entireProcessTree: true);
            keeper.WaitForExit(TimeSpan.FromSeconds(5));
        }

        keeper.Dispose();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Redis logs "Ready to accept connections" once it listens; its output ends if it exits instead.
    private void WaitUntilReady(Deadline deadline)
    {
        var output = new List<string>();
        using var cancel = new CancellationTokenSource(deadline.Remaining);
        try
        {
            while (keeper.StandardOutput.ReadLineAsync(cancel.Token).AsTask().GetAwaiter().GetResult() is { } line)
            {
                output.Add(line);
                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    // It logs little more; reading it keeps a full pipe from ever blocking it.
                    _ = keeper.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"redis-server was not ready on {Address} in the time given to Start; pass a longer timeout on a busy machine.");
        }

        throw new InvalidOperationException($"redis-server exited while starting on {Address}:\n{string.Join("\n", output)}");
    }
}
