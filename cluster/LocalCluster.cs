using Helpers.Multiprocessing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Helpers.Cluster;

/// <summary>
/// An Orleans cluster on this machine in one call: <c>n</c> silo processes on loopback, children of
/// this process, their member list in Redis, and a client connected to them.
/// </summary>
/// <remarks>
/// Each silo is a helpers <see cref="Process"/> running <see cref="SiloHost.Run"/>: its output shows in
/// the running notebook cell, and it dies with this process however that ends (the helpers'
/// lifeline: a kernel restart or a SIGKILL leaves no orphan silo). Silos and gateways listen on
/// 127.0.0.1 only. The member list is kept in Redis, as in a real cluster, so any silo may die, the
/// first one too: in the Redis named by <see cref="RedisVariable"/> if set, else in a redis-server
/// the cluster starts for itself (on 127.0.0.1, nothing on disk, ended with the cluster or with
/// this process). Without redis-server, development clustering: silo 0 keeps the list, and the
/// cluster lives as long as silo 0 (<see cref="Membership"/> says which).
/// </remarks>
public sealed class LocalCluster : IDisposable
{
    /// <summary>
    /// The environment variable that names a running Redis (<c>host:port</c>, or any StackExchange.Redis
    /// configuration string) to keep the member list in, instead of a redis-server of the cluster's own.
    /// </summary>
    public const string RedisVariable = "HELPERS_CLUSTER_REDIS";

    /// <summary>What <see cref="Membership"/> says when there is no Redis: one line, printed by <see cref="Start(int, double, string?)"/> too.</summary>
    public const string DevelopmentClusteringMessage =
        "redis-server not found: development clustering, silo 0 keeps the member list and the cluster dies with it; " +
        "install redis-server (Debian/Ubuntu: sudo apt-get install redis-server) for a cluster that survives any silo.";

    private readonly List<Process> silos;
    private readonly IHost clientHost;
    private readonly RedisServer? redisServer;

    private LocalCluster(List<Process> silos, int[] siloPorts, int[] gatewayPorts, IHost clientHost, string clusterId, string? redis, RedisServer? redisServer)
    {
        (this.silos, SiloPorts, GatewayPorts, this.clientHost) = (silos, siloPorts, gatewayPorts, clientHost);
        (ClusterId, Redis, this.redisServer) = (clusterId, redis, redisServer);
        Client = clientHost.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>This cluster's id, its own (a new one each start): a cluster never sees another's members, dead ones included.</summary>
    public string ClusterId { get; }

    /// <summary>The Redis address that keeps the member list; null with development clustering.</summary>
    public string? Redis { get; }

    /// <summary>Where the member list is, in one line.</summary>
    public string Membership => Redis is null
        ? DevelopmentClusteringMessage
        : redisServer is null
            ? $"member list in Redis at {Redis} ({RedisVariable}): any silo may die"
            : $"member list in a redis-server of its own at {Redis}: any silo may die";

    /// <summary>The silo processes (silo 0 first).</summary>
    public IReadOnlyList<Process> Silos => silos;

    /// <summary>The ports the silos talk to each other on, on 127.0.0.1.</summary>
    public IReadOnlyList<int> SiloPorts { get; }

    /// <summary>The ports clients connect to, on 127.0.0.1.</summary>
    public IReadOnlyList<int> GatewayPorts { get; }

    /// <summary>A client connected to the cluster, for grains of your own (<see cref="ICounterGrain"/>).</summary>
    public IClusterClient Client { get; }

    /// <summary>
    /// Starts <paramref name="silos"/> silos and connects a client; returns when every silo has
    /// joined the cluster.
    /// </summary>
    /// <param name="silos">How many silo processes; at least 1.</param>
    /// <param name="timeout">Seconds to wait for the cluster (its silos start in 5 to 15 s on a small, busy machine).</param>
    /// <param name="redis">A running Redis to keep the member list in; null: the <see cref="RedisVariable"/> environment variable, else a redis-server of the cluster's own.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="silos"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">A silo or redis-server exited while starting (its output says why).</exception>
    /// <exception cref="TimeoutException">The cluster was not up within <paramref name="timeout"/>.</exception>
    public static LocalCluster Start(int silos = 2, double timeout = 120, string? redis = null) =>
        Start(silos, timeout, redis, "redis-server");

    /// <summary><see cref="Start(int, double, string?)"/>, looking for redis-server as <paramref name="redisServer"/> (a name on PATH, or a path).</summary>
    internal static LocalCluster Start(int silos, double timeout, string? redis, string redisServer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var deadline = Deadline.After(timeout);
        var ports = RedisServer.FreeLoopbackPorts(2 * silos);
        int[] siloPorts = [.. ports.Take(silos)], gatewayPorts = [.. ports.Skip(silos)];
        var clusterId = $"local-{Guid.NewGuid():N}";
        redis ??= Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } configured ? configured : null;
        RedisServer? server = null;
        var processes = new List<Process>();
        IHost? client = null;
        try
        {
            // The keeper shell needs /bin/sh: not on Windows, where redis-server is rare anyway.
            if (redis is null && !OperatingSystem.IsWindows() && RedisServer.Find(redisServer) is { } path)
            {
                server = RedisServer.Start(path, deadline);
                redis = server.Address;
            }

            var membership = new Discovery(clusterId, redis, siloPorts, gatewayPorts);
            if (redis is null)
            {
                Console.WriteLine(DevelopmentClusteringMessage);
                // Silo 0 first: it keeps the member list the others join. Then the others, together.
                StartSilos([0], membership, processes, deadline);
                StartSilos([.. Enumerable.Range(1, silos - 1)], membership, processes, deadline);
            }
            else
            {
                // Redis keeps the list: every silo joins at once.
                StartSilos([.. Enumerable.Range(0, silos)], membership, processes, deadline);
            }

            // The client connects only to silos that are up: a gateway that refuses an early client
            // is set aside by it for a while.
            client = ConnectClient(membership, processes, deadline);
            var cluster = new LocalCluster(processes, siloPorts, gatewayPorts, client, clusterId, redis, server);
            cluster.WaitForSilos(deadline);
            return cluster;
        }
        catch
        {
            client?.Dispose();
            Stop(processes);
            server?.Dispose();
            throw;
        }
    }

    /// <summary>A <see cref="ClusterPool"/> on this cluster.</summary>
    /// <param name="processes">How many workers; null: one per silo.</param>
    public ClusterPool Pool(int? processes = null) => new(Client, processes ?? silos.Count);

    /// <summary>Disconnects the client and ends the silos (a kill: a local cluster keeps nothing worth a graceful stop), then its redis-server.</summary>
    public void Dispose()
    {
        try
        {
            clientHost.StopAsync(TimeSpan.FromSeconds(5)).Wait(TimeSpan.FromSeconds(6));
        }
        catch (AggregateException)
        {
            // The silos are about to go: a client that cannot say goodbye does not matter.
        }
        finally
        {
            clientHost.Dispose();
            Stop(silos);
            redisServer?.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<LocalCluster(silos={silos.Count}, alive={silos.Count(s => s.IsAlive)}, gateways=127.0.0.1:{string.Join(",", GatewayPorts)}, membership={(Redis is null ? "development (silo 0 must survive)" : $"redis {Redis}")})>";

    private static void Stop(List<Process> processes)
    {
        foreach (var silo in processes.Where(s => s.IsAlive))
        {
            silo.Kill();
        }

        foreach (var silo in processes)
        {
            silo.Join(10);
        }
    }

    // Starts the silos numbered `indexes` and waits until each says it has joined the cluster
    // (an Event it sets once its host has started).
    private static void StartSilos(int[] indexes, Discovery membership, List<Process> processes, Deadline deadline)
    {
        var started = new List<(Process Silo, Event Ready)>();
        try
        {
            foreach (var i in indexes)
            {
                var ready = new Event();
                var (clusterId, redis, siloPorts, gatewayPorts) = membership;
                var silo = new Process(SiloHost.Run, i, clusterId, redis, siloPorts[i], gatewayPorts[i], siloPorts[0], ready) { Name = $"silo-{i}", Daemon = true };
                started.Add((silo, ready));
                silo.Start();
                processes.Add(silo);
            }

            foreach (var (silo, ready) in started)
            {
                while (!ready.Wait(0.2))
                {
                    if (!silo.IsAlive)
                    {
                        throw new InvalidOperationException($"{silo.Name} exited with code {silo.ExitCode} while starting; its output above says why.");
                    }

                    if (deadline.HasPassed)
                    {
                        throw new TimeoutException($"{silo.Name} (pid {silo.Pid}) had not joined the cluster when the time given to Start ran out; pass a longer timeout on a busy machine.");
                    }
                }
            }
        }
        finally
        {
            started.ForEach(s => s.Ready.Dispose());
        }
    }

    private static IHost ConnectClient(Discovery membership, List<Process> processes, Deadline deadline)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The notebook's kernel owns Ctrl+C and SIGTERM: the client does not take them over.
        builder.Services.AddSingleton<IHostLifetime, KernelLifetime>();
        builder.UseOrleansClient(client =>
        {
            if (membership.Redis is { } redis)
            {
                // The README's "real cluster" client, with a loopback address.
                client.Configure<ClusterOptions>(o => { o.ClusterId = membership.ClusterId; o.ServiceId = SiloHost.ServiceId; });
                client.UseRedisClustering(redis);
                // A local cluster only: a dead silo's gateway leaves the client's list within a second, not a minute.
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            }
            else
            {
                client.UseLocalhostClustering(membership.GatewayPorts, SiloHost.ServiceId, membership.ClusterId);
            }

            // A task may run as long as it takes: a dead silo is found by membership, not by a timeout.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(1));
            client.UseConnectionRetryFilter(async (e, cancel) =>
            {
                if (deadline.HasPassed || processes.All(p => !p.IsAlive))
                {
                    return false;
                }

                await Task.Delay(200, cancel).ConfigureAwait(false);
                return true;
            });
        });
        var host = builder.Build();
        using var cancel = new CancellationTokenSource(deadline.Remaining);
        try
        {
            host.StartAsync(cancel.Token).WaitAsync(deadline.Remaining).GetAwaiter().GetResult();
            return host;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // A client still trying to connect may not stop at once: let it go in the background.
            _ = Task.Run(host.Dispose);
            throw new TimeoutException($"The client could not connect to the silos' gateways (127.0.0.1:{string.Join(", ", membership.GatewayPorts)}) in the time given to Start; pass a longer timeout on a busy machine.", e);
        }
        catch
        {
            _ = Task.Run(host.Dispose);
            throw;
        }
    }

    private void WaitForSilos(Deadline deadline)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        while (true)
        {
            if (silos.FirstOrDefault(s => !s.IsAlive) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited with code {dead.ExitCode} while the cluster was starting; its output above says why.");
            }

            if (management.GetHosts(onlyActive: true).WaitAsync(deadline.Remaining).GetAwaiter().GetResult().Count >= silos.Count)
            {
                return;
            }

            if (deadline.HasPassed)
            {
                throw new TimeoutException($"The {silos.Count} silos did not all join the cluster in time.");
            }

            Thread.Sleep(100);
        }
    }

    // What a silo and the client need to find the cluster.
    private sealed record Discovery(string ClusterId, string? Redis, int[] SiloPorts, int[] GatewayPorts);

    private sealed class KernelLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
