using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A meeting point for a fixed number of parties in any processes (Python's
/// <c>multiprocessing.Barrier</c>): each <see cref="Wait"/> blocks until <see cref="Parties"/> of
/// them have arrived, then all go on, and the barrier can be used again.
/// </summary>
/// <remarks>CPython's <c>threading.Barrier</c> algorithm, with its state in shared memory and a shared <see cref="Condition"/>.</remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed unsafe class Barrier : IDisposable, IShareable<Barrier, Barrier.Handle>
{
    private const int Filling = 0, Draining = 1, Resetting = -1, Broken = -2;
    private readonly Condition condition;
    private readonly SharedMemory memory;
    private readonly Target? action;
    private readonly double? defaultTimeout;

    /// <summary>Creates a barrier for <paramref name="parties"/> parties.</summary>
    /// <param name="parties">How many must arrive before all go on.</param>
    /// <param name="action">Run by one of the parties when all have arrived, before any goes on: a method that takes no arguments, written as a <see cref="Process"/> target is.</param>
    /// <param name="timeout">The default timeout of <see cref="Wait"/>, in seconds.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one party.</exception>
    public Barrier(int parties, Action? action = null, double? timeout = null)
        : this(Parts.Build(typeof(Barrier), parts =>
        {
            // Every argument is checked before anything is created.
            ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
            _ = Deadline.ToTimeSpan(timeout);
            var target = action is null ? null : Target.FromDelegate(action);
            return (Condition.WithOwnLock(parts), parts.Add(new SharedMemory(sizeof(State))), target, timeout);
        }))
    {
        S->Parties = parties;
    }

    private Barrier((Condition Condition, SharedMemory Memory, Target? Action, double? Timeout) parts) =>
        (condition, memory, action, defaultTimeout) = parts;

    private State* S => (State*)memory.Address;

    /// <summary>How many parties must arrive.</summary>
    public int Parties => S->Parties;

    /// <summary>How many are waiting now.</summary>
    public int NWaiting => S->Phase == Filling ? S->Count : 0;

    /// <summary>True if the barrier is broken.</summary>
    public bool IsBroken => S->Phase == Broken;

    /// <summary>
    /// Python's <c>wait(timeout=None)</c>: arrives and waits for the others, at most
    /// <paramref name="timeout"/> seconds (the barrier's default if null).
    /// </summary>
    /// <returns>This party's arrival index, 0 to <see cref="Parties"/> − 1, unique in each round.</returns>
    /// <exception cref="BrokenBarrierException">The barrier broke, or this wait timed out (which breaks it for all).</exception>
    public int Wait(double? timeout = null)
    {
        timeout ??= defaultTimeout;
        using (condition.EnterScope())
        {
            Enter();
            var index = S->Count++;
            try
            {
                if (index + 1 == S->Parties)
                {
                    ReleaseAll();
                }
                else
                {
                    WaitForRelease(timeout);
                }

                return index;
            }
            finally
            {
                S->Count--;
                Exit();
            }
        }
    }

    /// <summary>Python's <c>reset()</c>: back to the empty state; parties waiting now get <see cref="BrokenBarrierException"/>.</summary>
    public void Reset()
    {
        using (condition.EnterScope())
        {
            if (S->Count > 0)
            {
                S->Phase = S->Phase is Filling or Broken ? Resetting : S->Phase;
            }
            else
            {
                S->Phase = Filling;
            }

            condition.NotifyAll();
        }
    }

    /// <summary>Python's <c>abort()</c>: breaks the barrier; current and future waits fail until <see cref="Reset"/>.</summary>
    public void Abort()
    {
        using (condition.EnterScope())
        {
            Break();
        }
    }

    /// <summary>Closes it here; the creating process also removes its OS objects.</summary>
    public void Dispose()
    {
        condition.Dispose();
        memory.Dispose();
    }

    /// <summary>As Python's repr.</summary>
    public override string ToString() => IsBroken ? "<Barrier(broken)>" : $"<Barrier(waiters={NWaiting}/{Parties})>";

    // Waits while the previous round drains or a reset finishes.
    private void Enter()
    {
        while (S->Phase is Draining or Resetting)
        {
            condition.Wait();
        }

        if (S->Phase < 0)
        {
            throw new BrokenBarrierException();
        }
    }

    private void ReleaseAll()
    {
        try
        {
            action?.Invoke([]);
            S->Phase = Draining;
            condition.NotifyAll();
        }
        catch
        {
            Break();
            throw;
        }
    }

    private void WaitForRelease(double? timeout)
    {
        if (!condition.WaitFor(() => S->Phase != Filling, timeout))
        {
            Break();
            throw new BrokenBarrierException($"Barrier.Wait timed out after {timeout} s with {S->Count} of {S->Parties} parties; the barrier is now broken.");
        }

        if (S->Phase < 0)
        {
            throw new BrokenBarrierException();
        }
    }

    private void Exit()
    {
        if (S->Count == 0 && S->Phase is Resetting or Draining)
        {
            S->Phase = Filling;
            condition.NotifyAll();
        }
    }

    private void Break()
    {
        S->Phase = Broken;
        condition.NotifyAll();
    }

    Handle IShareable<Barrier, Handle>.ToHandle() => new(
        Shared.HandleOf<Condition, Condition.Handle>(condition),
        Shared.HandleOf<SharedMemory, SharedMemory.Handle>(memory),
        action?.Ref,
        defaultTimeout);

    static Barrier IShareable<Barrier, Handle>.FromHandle(Handle handle) => new((
        Shared.Open<Condition, Condition.Handle>(handle.Condition),
        SharedMemory.Attach(handle.Memory.Name, handle.Memory.Size),
        handle.Action?.Find(),
        handle.Timeout));

    /// <summary>What crosses to another process: the shared state and where to find the action.</summary>
    internal sealed record Handle(Condition.Handle Condition, SharedMemory.Handle Memory, MethodRef? Action, double? Timeout);

    private struct State
    {
        public int Parties;
        public int Count;
        public int Phase;
    }
}
