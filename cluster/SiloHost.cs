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
/// (<c>dotnet exec Helpers.dll</c>, so it dies with its parent through the helpers' lifeline).
/// </summary>
public static class SiloHost
{
    /// <summary>The cluster id of local clusters.</summary>
    public const string ClusterId = "helpers-local";

    /// <summary>The service id of local clusters.</summary>
    public const string ServiceId = "helpers";

    /// <summary>
    /// Runs silo <paramref name="index"/> until its process ends. Silo and gateway listen on
    /// 127.0.0.1 only; silo 0 is the primary, which keeps the membership table (development clustering).
    /// </summary>
    /// <param name="index">The silo's number in its cluster (0 is the primary).</param>
    /// <param name="siloPort">The port silos talk to each other on.</param>
    /// <param name="gatewayPort">The port clients connect to.</param>
    /// <param name="primaryPort">The silo port of silo 0.</param>
    /// <param name="ready">Set once the silo has started and joined the cluster.</param>
    public static void Run(int index, int siloPort, int gatewayPort, int primaryPort, Event ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.ColorBehavior, o.IncludeScopes) = (true, LoggerColorBehavior.Disabled, false))
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Error) // A killed peer makes the others log connection warnings by the dozen,
            .AddFilter("Polly", LogLevel.Error) // and Orleans' retries of calls to it, one line each;
            .AddFilter("Orleans.Runtime.GrainCallCancellationManager", LogLevel.None); // and a failed cancellation of a call to it, a trace each.
        builder.Services.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();
        builder.Services.AddSingleton<IHostLifetime, SiloLifetime>();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), ServiceId, ClusterId);
            silo.Configure<EndpointOptions>(o =>
            {
                // Loopback only, advertised and listening: a classroom network is shared.
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
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
