using System.Net;
using System.Net.Sockets;
using Helpers.Multiprocessing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Helpers.Cluster;

/// <summary>
/// An Orleans cluster on this machine in one call: <c>n</c> silo processes on loopback
/// (development clustering), children of this process, and a client connected to them.
/// </summary>
/// <remarks>
/// Each silo is a helpers <see cref="Process"/> running <see cref="SiloHost.Run"/>: its output shows in
/// the running notebook cell, and it dies with this process however that ends (the helpers'
/// lifeline: a kernel restart or a SIGKILL leaves no orphan silo). Silos and gateways listen on
/// 127.0.0.1 only. Silo 0 keeps the membership table (development clustering): the cluster lives
/// as long as it does. A real cluster keeps the table in a database instead (see the README).
/// </remarks>
public sealed class LocalCluster : IDisposable
{
    private readonly List<Process> silos;
    private readonly IHost clientHost;

    private LocalCluster(List<Process> silos, int[] siloPorts, int[] gatewayPorts, IHost clientHost)
    {
        (this.silos, SiloPorts, GatewayPorts, this.clientHost) = (silos, siloPorts, gatewayPorts, clientHost);
        Client = clientHost.Services.GetRequiredService<IClusterClient>();
    }

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
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="silos"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">A silo exited while starting (its output says why).</exception>
    /// <exception cref="TimeoutException">The cluster was not up within <paramref name="timeout"/>.</exception>
    public static LocalCluster Start(int silos = 2, double timeout = 120)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var deadline = Deadline.After(timeout);
        var ports = FreeLoopbackPorts(2 * silos);
        int[] siloPorts = [.. ports.Take(silos)], gatewayPorts = [.. ports.Skip(silos)];
        var processes = new List<Process>();
        IHost? client = null;
        try
        {
            // Silo 0 first: it keeps the member list the others join. Then the others, together. The
            // client connects only to silos that are up: a gateway that refuses an early client is
            // set aside by it for a while.
            StartSilos([0], siloPorts, gatewayPorts, processes, deadline);
            StartSilos([.. Enumerable.Range(1, silos - 1)], siloPorts, gatewayPorts, processes, deadline);
            client = ConnectClient(gatewayPorts, processes, deadline);
            var cluster = new LocalCluster(processes, siloPorts, gatewayPorts, client);
            cluster.WaitForSilos(deadline);
            return cluster;
        }
        catch
        {
            client?.Dispose();
            Stop(processes);
            throw;
        }
    }

    /// <summary>A <see cref="ClusterPool"/> on this cluster.</summary>
    /// <param name="processes">How many workers; null: one per silo.</param>
    public ClusterPool Pool(int? processes = null) => new(Client, processes ?? silos.Count);

    /// <summary>Disconnects the client and ends the silos (a kill: a local cluster keeps nothing worth a graceful stop).</summary>
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
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<LocalCluster(silos={silos.Count}, alive={silos.Count(s => s.IsAlive)}, gateways=127.0.0.1:{string.Join(",", GatewayPorts)})>";

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
    private static void StartSilos(int[] indexes, int[] siloPorts, int[] gatewayPorts, List<Process> processes, Deadline deadline)
    {
        var started = new List<(Process Silo, Event Ready)>();
        try
        {
            foreach (var i in indexes)
            {
                var ready = new Event();
                var silo = new Process(SiloHost.Run, i, siloPorts[i], gatewayPorts[i], siloPorts[0], ready) { Name = $"silo-{i}", Daemon = true };
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

    // Ports the OS says are free now, on loopback. Another program could take one before the silo
    // binds it: the silo then fails to start, and says so.
    private static List<int> FreeLoopbackPorts(int count)
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

    private static IHost ConnectClient(int[] gatewayPorts, List<Process> processes, Deadline deadline)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The notebook's kernel owns Ctrl+C and SIGTERM: the client does not take them over.
        builder.Services.AddSingleton<IHostLifetime, KernelLifetime>();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPorts, SiloHost.ServiceId, SiloHost.ClusterId);
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
            throw new TimeoutException($"The client could not connect to the silos' gateways (127.0.0.1:{string.Join(", ", gatewayPorts)}) in the time given to Start; pass a longer timeout on a busy machine.", e);
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

    private sealed class KernelLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
