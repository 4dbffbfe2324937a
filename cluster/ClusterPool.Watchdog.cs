using Helpers.Multiprocessing;

namespace Helpers.Cluster;

// The watchdog: notices silos that left the cluster and calls that were lost on the way, and
// cancels those calls so that their chunks run again on live silos.
public sealed partial class ClusterPool
{
    // Every 0.5 s: when a silo has left the cluster, every call in flight is cancelled and its chunk
    // goes back to the queue, for a worker on a live silo. Not only the calls to that silo: a call to
    // a live silo that went through the dead silo's gateway would wait for a reply that never comes.
    private async Task Watch()
    {
        var lastContact = DateTime.UtcNow;
        HashSet<string>? known = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(WatchPeriod, stop.Token).ConfigureAwait(false);
                var live = (await LiveSilos(client).WaitAsync(LocateTimeout, stop.Token).ConfigureAwait(false)).Keys.Select(k => k.ToString()).ToHashSet();
                lastContact = DateTime.UtcNow;
                var lost = known is not null && known.Any(s => !live.Contains(s));
                known = live;
                foreach (var slot in slots)
                {
                    if (slot.Worker is { } worker && !live.Contains(worker.Silo))
                    {
                        slot.Worker = null;
                        CancelQuietly(slot.InFlight);
                    }
                    else if (lost)
                    {
                        CancelQuietly(slot.InFlight);
                    }
                }

                // Calls to live silos only: one to a dead silo fails by itself, and asking it would
                // only add to the messages the silos log about the dead one.
                await Task.WhenAll(slots.Where(s => s.Worker is { } w && live.Contains(w.Silo)).Select(AskAfterCall)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                if (DateTime.UtcNow - lastContact > UnreachableAfter)
                {
                    FailAll(new WorkerLostException($"No silo of the cluster has answered for {UnreachableAfter.TotalSeconds:0} s ({e.GetType().Name}: {e.Message}).", e));
                }
            }
        }
    }

    // A call that is neither running on its worker nor just finished there, twice in a row (half a
    // second apart, so not a request still on its way), was lost: its request or its reply went
    // through a silo that died, and no failure will ever come. It is cancelled, so that its chunk is
    // sent again. (Calls made just after a silo died can be lost so, whichever silo died.)
    private async Task AskAfterCall(Slot slot)
    {
        var (call, id) = (slot.InFlight, slot.CallId);
        if (call is null || id == 0)
        {
            return;
        }

        CallState state;
        try
        {
            state = await slot.Grain.StateOf(id).WaitAsync(LocateTimeout, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            return; // No answer: the membership check above handles a dead silo.
        }

        if (slot.CallId != id)
        {
            return; // Answered meanwhile.
        }

        slot.Unanswered = state == CallState.Running ? 0 : slot.Unanswered + 1;
        if (slot.Unanswered >= 2)
        {
            CancelQuietly(call);
        }
    }

    private static void CancelQuietly(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile.
        }
    }
}
