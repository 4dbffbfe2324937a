using Helpers.Multiprocessing;
using Lock = Helpers.Multiprocessing.Lock;
using Semaphore = Helpers.Multiprocessing.Semaphore;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Child targets for the lock and shared-memory tests.</summary>
public static class SharedStateTargets
{
    /// <summary>The note's job: add to a shared counter, without a lock, read then write.</summary>
    public static void AddUnlocked(Value<int> counter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Set(counter.Get() + 1);
        }
    }

    /// <summary>The same under the lock.</summary>
    public static void AddLocked(Value<int> counter, Lock l, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using (l.EnterScope())
            {
                counter.Set(counter.Get() + 1);
            }
        }
    }

    /// <summary>Writes i * i into each element.</summary>
    public static void Squares(Array<long> numbers)
    {
        for (var i = 0; i < numbers.Count; i++)
        {
            numbers[i] = (long)i * i;
        }
    }

    /// <summary>Takes the lock, sets a flag, and holds the lock until killed.</summary>
    public static void HoldForever(Lock l, Value<bool> holding)
    {
        l.Acquire();
        holding.Set(true);
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Tries the lock without blocking and with a timeout, and records the outcomes.</summary>
    public static void TryLock(Lock l, Array<int> outcome)
    {
        outcome[0] = l.Acquire(block: false) ? 1 : 0;
        outcome[1] = l.Acquire(timeout: 0.2) ? 1 : 0;
    }

    /// <summary>Creates a lock and a value of its own, writes their OS names to a file, and waits to be killed.</summary>
    public static void CreateAndHang(string namesFile)
    {
        var l = new Lock();
        var v = new Value<long>(42);
        var lockHandle = ((IShareable<Lock, SemLock.Handle>)l).ToHandle();
        var valueHandle = ((IShareable<Value<long>, Value<long>.Handle>)v).ToHandle();
        File.WriteAllLines(namesFile + ".tmp", ["/dev/shm/sem." + lockHandle.Semaphore, "/dev/shm/" + lockHandle.Memory, "/dev/shm/" + valueHandle.Memory.Name]);
        File.Move(namesFile + ".tmp", namesFile);
        Thread.Sleep(Timeout.Infinite);
    }
}
