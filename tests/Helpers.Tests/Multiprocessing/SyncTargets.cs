using Helpers.Multiprocessing;
using MP = Helpers.Multiprocessing;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Child targets for the condition, event, barrier, joinable queue and pipe tests.</summary>
public static class SyncTargets
{
    /// <summary>Waits on the condition until notified (or 60 s), then records that it woke.</summary>
    public static void WaitOnCondition(Condition c, Value<int> waiting, Value<int> woken)
    {
        using (c.EnterScope())
        {
            using (waiting.GetLock().EnterScope())
            {
                waiting.Set(waiting.Get() + 1);
            }

            if (c.Wait(60))
            {
                using (woken.GetLock().EnterScope())
                {
                    woken.Set(woken.Get() + 1);
                }
            }
        }
    }

    /// <summary>Waits for the event; exits 0 if it was set within 60 s, else 1.</summary>
    public static void WaitForEvent(MP.Event e)
    {
        if (!e.Wait(60))
        {
            Environment.Exit(1);
        }
    }

    /// <summary>Meets the others at the barrier, rounds times, and records its indexes.</summary>
    public static void MeetAtBarrier(MP.Barrier b, Array<int> indexes, int party, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            indexes[(party * rounds) + round] = b.Wait(60);
        }
    }

    /// <summary>Gets n items and marks each done.</summary>
    public static void Work(JoinableQueue<int> q, int n)
    {
        for (var i = 0; i < n; i++)
        {
            _ = q.Get(timeout: 60);
            q.TaskDone();
        }
    }

    /// <summary>Answers each received number with its double until it gets null.</summary>
    public static void Doubler(Connection conn)
    {
        while (conn.Recv() is long n)
        {
            conn.Send(n * 2);
        }
    }

    /// <summary>Sends a few messages and 16 MB of bytes, then returns without closing its end.</summary>
    public static void SendAndExit(Connection conn)
    {
        conn.Send("first");
        conn.SendBytes(new byte[16 << 20]);
        conn.Send("last");
    }

    /// <summary>The barrier's action: counts the rounds in a file beside the test (one line per run of the action).</summary>
    public static void MarkRound() => File.AppendAllText(Environment.GetEnvironmentVariable("HELPERS_TEST_ROUNDS")!, $"{Environment.ProcessId}\n");

    /// <summary>Waits at the barrier once.</summary>
    public static void MeetOnce(MP.Barrier b) => b.Wait(60);

    /// <summary>Writes one value of each type.</summary>
    public static void WriteValues(Value<bool> flag, Value<short> small, Value<double> real, Value<long> big)
    {
        flag.Set(true);
        small.Set(-12345);
        real.Set(Math.PI);
        big.Set(long.MaxValue);
    }

    /// <summary>Takes a pipe end and exits without using it.</summary>
    public static void IgnoreEnd(Connection conn) => _ = conn.Readable;
}
