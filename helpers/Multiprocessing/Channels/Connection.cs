using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Helpers.Multiprocessing;

/// <summary>
/// One end of a <see cref="Pipe"/> (Python's <c>multiprocessing.connection.Connection</c>): sends
/// and receives whole objects or byte messages. Pass it to a child as an argument.
/// </summary>
/// <remarks>
/// Each direction is a <see cref="Ring"/> in shared memory that counts the processes holding a
/// sending end. When every one has closed its end or exited (also by a crash or a kill), the
/// receiving end's <see cref="Recv"/> raises <see cref="EndOfStreamException"/> (Python's EOFError)
/// once the messages already sent are read, within about 0.1 s. Receiving ends are counted the same
/// way: a <see cref="Send"/> that finds the pipe full (4 MiB) while nobody can read any more raises
/// an <see cref="IOException"/> (Python's BrokenPipeError) instead of waiting forever.
/// </remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed partial class Connection : IDisposable, IShareable<Connection, Connection.Handle>
{
    private static readonly JsonTypeInfo ObjectInfo = Reduction.Options.GetTypeInfo(typeof(object));
    private readonly Ring? incoming;
    private readonly Ring? outgoing;
    private bool closed;
    private bool disposed;

    /// <summary>An end in this process; it counts as one writer of <paramref name="outgoing"/>.</summary>
    internal Connection(Ring? incoming, Ring? outgoing)
    {
        (this.incoming, this.outgoing) = (incoming, outgoing);
        outgoing?.AddWriter(Environment.ProcessId);
        incoming?.AddReader(Environment.ProcessId);
    }

    private Connection(Ring? incoming, Ring? outgoing, int senderPid)
    {
        (this.incoming, this.outgoing) = (incoming, outgoing);

        // Take over the place the sender reserved for this copy (see ToHandle).
        if (outgoing is not null && !outgoing.ReplaceWriter(-senderPid, Environment.ProcessId))
        {
            outgoing.AddWriter(Environment.ProcessId);
        }

        if (incoming is not null && !incoming.ReplaceReader(-senderPid, Environment.ProcessId))
        {
            incoming.AddReader(Environment.ProcessId);
        }
    }

    /// <summary>True if this end can receive.</summary>
    public bool Readable => incoming is not null;

    /// <summary>True if this end can send.</summary>
    public bool Writable => outgoing is not null;

    /// <summary>True after <see cref="Close"/>.</summary>
    public bool Closed => closed;

    /// <summary>Python's <c>send(obj)</c>: sends an object, which the other end gets from <see cref="Recv"/>.</summary>
    /// <exception cref="ArgumentException">The object cannot be sent to another process.</exception>
    /// <exception cref="InvalidOperationException">This end is closed, or read-only.</exception>
    /// <exception cref="IOException">The pipe is full and nobody will read it: every receiving end is closed or its process has exited (Python's BrokenPipeError).</exception>
    public void Send(object? obj)
    {
        var bytes = Reduction.ToBytes(obj, ObjectInfo, "sent through a pipe to another process", nameof(obj));
        Out.Put(Frame(0, bytes), block: true, Deadline.Never);
    }

    /// <summary>Python's <c>recv()</c>: waits for the next object the other end sent.</summary>
    /// <exception cref="EndOfStreamException">The other end is closed and nothing is left to read.</exception>
    /// <exception cref="InvalidOperationException">This end is closed, or write-only, or the next message is bytes.</exception>
    public object? Recv() => JsonSerializer.Deserialize<object>(Unframe(0, Receive()), Reduction.Options);

    /// <summary><see cref="Recv"/> of an object known to be a <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">It is something else.</exception>
    public T Recv<T>() => (T)Recv()!;

    /// <summary>Python's <c>send_bytes(buf, offset, size)</c>: sends raw bytes as one message.</summary>
    public void SendBytes(ReadOnlySpan<byte> buffer) => Out.Put(Frame(1, buffer), block: true, Deadline.Never);

    /// <summary>Python's <c>recv_bytes()</c>: waits for the next byte message.</summary>
    /// <exception cref="EndOfStreamException">The other end is closed and nothing is left to read.</exception>
    public byte[] RecvBytes() => Unframe(1, Receive()).ToArray();

    /// <summary>Python's <c>poll(timeout=0)</c>: whether a message is waiting, waiting up to <paramref name="timeout"/> seconds (forever if null).</summary>
    /// <returns>True if a message (or the end of the stream) can be read without waiting.</returns>
    public bool Poll(double? timeout = 0) => In.Poll(Deadline.After(timeout)) || In.WritersGone;

    /// <summary>Python's <c>close()</c>: this end sends and receives no more, and the other end learns so.</summary>
    public void Close()
    {
        if (!closed)
        {
            closed = true;
            outgoing?.RemoveWriter(Environment.ProcessId);
            incoming?.RemoveReader(Environment.ProcessId);
        }
    }

    /// <summary>Closes this end and releases its OS objects here (the creating process also removes them).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        Close();
        disposed = true;
        incoming?.Dispose();
        outgoing?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"<Connection({(Readable ? "r" : "")}{(Writable ? "w" : "")}{(closed ? ", closed" : "")})>";

    private Ring In => CheckOpen(incoming, "write-only: it cannot receive");

    private Ring Out => CheckOpen(outgoing, "read-only: it cannot send");

    private Ring CheckOpen(Ring? ring, string wrongWay)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (closed)
        {
            throw new InvalidOperationException("This end of the pipe was closed by Close() (Python's close()): it cannot send or receive any more.");
        }

        return ring ?? throw new InvalidOperationException($"This end of the pipe is {wrongWay} (Pipe(duplex: false) gives a receiving end and a sending end).");
    }

    private byte[] Receive() => In.Get(block: true, Deadline.Never)
        ?? throw new EndOfStreamException("The other end of the pipe is closed and everything it sent has been read.");

    // One byte says what a message is, so an object is never read as bytes or the other way round.
    private static byte[] Frame(byte kind, ReadOnlySpan<byte> payload)
    {
        var framed = new byte[payload.Length + 1];
        framed[0] = kind;
        payload.CopyTo(framed.AsSpan(1));
        return framed;
    }

    private static ReadOnlySpan<byte> Unframe(byte kind, byte[] message) => message[0] == kind
        ? message.AsSpan(1)
        : throw new InvalidOperationException(kind == 0 ? "The next message was sent with SendBytes; read it with RecvBytes." : "The next message is an object sent with Send; read it with Recv.");

    // A copy is on its way to another process: reserve its writer place now, so that closing this
    // end before the child has opened its copy does not look like the end of the stream.
    Handle IShareable<Connection, Handle>.ToHandle()
    {
        outgoing?.AddWriter(-Environment.ProcessId);
        incoming?.AddReader(-Environment.ProcessId);
        return new(incoming?.ToHandle(), outgoing?.ToHandle(), Environment.ProcessId);
    }

    static Connection IShareable<Connection, Handle>.FromHandle(Handle handle) =>
        new(handle.Incoming is { } i ? Ring.Open(i) : null, handle.Outgoing is { } o ? Ring.Open(o) : null, handle.SenderPid);

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(Ring.Handle? Incoming, Ring.Handle? Outgoing, int SenderPid);
}
