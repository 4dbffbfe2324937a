namespace Helpers.Multiprocessing;

/// <summary>
/// An OS-wide name this process created and has not yet removed (see <see cref="Mp.SharedObjects"/>):
/// a shared-memory block or a semaphore, under one of the helpers' objects.
/// </summary>
/// <param name="Name">The OS name, <c>hmp-PID-…</c>.</param>
/// <param name="Kind">"shared memory", "semaphore" or "spill files of a queue".</param>
/// <param name="CreatedFor">The helpers' type whose constructor made it, such as <c>Lock</c> or <c>Queue&lt;Int32&gt;</c>.</param>
public sealed record SharedObject(string Name, string Kind, string CreatedFor);
