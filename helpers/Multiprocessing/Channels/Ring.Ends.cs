namespace Helpers.Multiprocessing;

// The ends of a pipe: which processes can still write to and read from it, counted by process id
// in the header, so a reader sees the end of the stream, and a writer a broken pipe, even when the
// other side's process died without closing.
internal sealed unsafe partial class Ring
{
    private const int MaxEnds = 16;

    /// <summary>
    /// For a pipe: true when no process can write any more, because every writing end was closed or
    /// its process has died. Ends are counted by process id in the header; a copy of an end on its
    /// way to a child is held by the sender's negated id until the child takes it over.
    /// </summary>
    public bool WritersGone => AllGone(H->Writers);

    // For a pipe, after a reader found nothing: the stream has ended when no writer is left and no
    // last message came after that look (a writer counts its message before it leaves).
    private bool EndOfStream() => isPipe && WritersGone && !HasMessage();

    /// <summary>For a pipe: true when no process can read any more (every receiving end closed, or its process dead).</summary>
    public bool ReadersGone => AllGone(H->Readers);

    /// <summary>Records a sending end held by process <paramref name="pid"/> (negative: on its way to a child).</summary>
    /// <exception cref="InvalidOperationException">Too many copies of the end are open.</exception>
    public void AddWriter(int pid) => Add(H->Writers, pid);

    /// <summary>Records a receiving end held by process <paramref name="pid"/> (negative: on its way to a child).</summary>
    /// <exception cref="InvalidOperationException">Too many copies of the end are open.</exception>
    public void AddReader(int pid) => Add(H->Readers, pid);

    /// <summary>Turns a sending end's entry from <paramref name="from"/> into <paramref name="to"/>; false if there was none.</summary>
    public bool ReplaceWriter(int from, int to) => Replace(H->Writers, from, to);

    /// <summary>Turns a receiving end's entry from <paramref name="from"/> into <paramref name="to"/>; false if there was none.</summary>
    public bool ReplaceReader(int from, int to) => Replace(H->Readers, from, to);

    /// <summary>Removes one sending end of process <paramref name="pid"/>, and wakes readers so they can see the end.</summary>
    public void RemoveWriter(int pid)
    {
        _ = Replace(H->Writers, pid, 0);
        items.Release(); // Wakes a sleeping reader, which finds no writer: it passes the wake-up on and reports the end.
    }

    /// <summary>Removes one receiving end of process <paramref name="pid"/>, and wakes a sender waiting for room so it can see that nobody reads.</summary>
    public void RemoveReader(int pid)
    {
        _ = Replace(H->Readers, pid, 0);
        space.Release();
    }

    private static bool AllGone(int* table)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            var pid = Math.Abs(Volatile.Read(ref table[i]));
            if (pid != 0 && (pid == Environment.ProcessId || SemLock.ProcessExists(pid)))
            {
                return false;
            }
        }

        return true;
    }

    private static void Add(int* table, int pid)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            if (Interlocked.CompareExchange(ref table[i], pid, 0) == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException($"At most {MaxEnds} copies of a pipe end can be open at once; close the ones no longer used.");
    }

    private static bool Replace(int* table, int from, int to)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            if (Interlocked.CompareExchange(ref table[i], to, from) == from)
            {
                return true;
            }
        }

        return false;
    }
}
