namespace Helpers.Multiprocessing;

/// <summary>Python's <c>multiprocessing.Pipe()</c>: two connected <see cref="Connection"/> ends.</summary>
public static class Pipe
{
    /// <summary>
    /// Creates a pipe. Duplex (the default): both ends send and receive. One-way
    /// (<paramref name="duplex"/> false): the first end only receives, the second only sends, as in Python.
    /// </summary>
    /// <returns>The two ends; give one to a child and keep the other.</returns>
    public static (Connection, Connection) Create(bool duplex = true)
    {
        // The first end owns the rings (its Dispose removes their names); the second opens its own
        // views of them, so that disposing it leaves the first working.
        return Parts.Build(typeof(Pipe), parts =>
        {
            var forward = parts.Add(Ring.Create(0, pipe: true));
            if (!duplex)
            {
                return (new Connection(forward, null), new Connection(null, parts.Add(Ring.Open(forward.ToHandle()))));
            }

            var backward = parts.Add(Ring.Create(0, pipe: true));
            return (new Connection(forward, backward), new Connection(parts.Add(Ring.Open(backward.ToHandle())), parts.Add(Ring.Open(forward.ToHandle()))));
        });
    }
}
