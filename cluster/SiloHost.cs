using System.Net;
using System.Runtime.InteropServices;
using Helpers.Multiprocessing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;

namespace Helpers.Cluster;

/// <summary>
/// The silo program of a <see cref="LocalCluster"/>: an Orleans silo in a child <see cref="Process"/>
/// (<c>Helpers.dll</c> as every child, so it dies with its parent through the helpers' lifeline).
/// </summary>
public static class SiloHost
{
    /// <summary>The service id of local clusters (each has a cluster id of its own: <see cref="LocalCluster.ClusterId"/>).</summary>
    public const string ServiceId = "helpers";

    /// <summary>
    /// Runs silo <paramref name="index"/> until its process ends. Silo and gateway listen on
    /// 127.0.0.1 only. With <paramref name="redis"/>, the member list is in Redis, so any silo may
    /// die; without, silo 0 keeps it (development clustering) and the cluster lives as long as silo 0.
    /// </summary>
    /// <param name="index">The silo's number in its cluster.</param>
    /// <param name="clusterId">The cluster's id: its own, so that no other cluster's members are seen.</param>
    /// <param name="redis">The Redis address that holds the member list, or null for development clustering.</param>
    /// <param name="siloPort">The port silos talk to each other on.</param>
    /// <param name="gatewayPort">The port clients connect to.</param>
    /// <param name="primaryPort">The silo port of silo 0 (development clustering only).</param>
    /// <param name="ready">Set once the silo has started and joined the cluster.</param>
    public static void Run(int index, string clusterId, string? redis, int siloPort, int gatewayPort, int primaryPort, Event ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.ColorBehavior, o.IncludeScopes) = (true, LoggerColorBehavior.Disabled, false))
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Error) // A killed peer makes the others log connection warnings by the dozen,
            .AddFilter("Polly", LogLevel.Error) // and Orleans' retries of calls to it, one line each;
            .AddFilter("Orleans.Runtime.GrainCallCancellationManager", LogLevel.None); // and a failed cancellation of a call to it, a trace each.
        builder.Services.AddSingleton<IHostLifetime, SiloLifetime>(); // Not the console's: see SiloLifetime.
        builder.UseOrleans(silo =>
        {
            if (redis is null)
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), ServiceId, clusterId);
            }
            else
            {
                // The README's "real cluster" configuration, with loopback addresses (loopback only,
                // advertised and listening: a classroom network is shared).
                silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; });
                silo.UseRedisClustering(redis);
            }

            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort: siloPort, gatewayPort: gatewayPort);
            silo.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection); // A local cluster only.
        });
        using var host = builder.Build();
        host.Start();
        ready.Set();
        Console.WriteLine($"silo {index} · pid {Environment.ProcessId} · silo 127.0.0.1:{siloPort} · gateway 127.0.0.1:{gatewayPort} (loopback only)");
        host.WaitForShutdown();
    }

    /// <summary>
    /// A dead silo is declared dead within about 3 s instead of Orleans' production default (about
    /// 30 s, tuned for networks that drop packets): on one machine a refused probe means a dead process.
    /// </summary>
    internal static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>Where the calling grain runs.</summary>
    internal static WorkerInfo Here(ILocalSiloDetails silo) => new(Environment.ProcessId, silo.SiloAddress.ToString());

    /// <summary>
    /// The silo stops on SIGTERM (Terminate, LocalCluster's Dispose) but not on SIGINT: Jupyter
    /// interrupts a cell with SIGINT to the kernel's whole process group, silos included, and an
    /// interrupted cell must not take the cluster down. (Hosting's console lifetime stops on both.)
    /// </summary>
    private sealed class SiloLifetime(IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
    {
        private PosixSignalRegistration? sigint;
        private PosixSignalRegistration? sigterm;

        public Task WaitForStartAsync(CancellationToken cancellationToken)
        {
            sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true; // Stop gracefully instead of the runtime's immediate exit.
                lifetime.StopApplication();
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
            sigint?.Dispose();
            sigterm?.Dispose();
        }
    }
}
