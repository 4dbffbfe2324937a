using Helpers.Multiprocessing;

namespace Helpers.Tests;

/// <summary>A start method for part of a test; disposing it opens the method again (Python's <c>set_start_method(None, force=True)</c>), whatever the test did.</summary>
internal sealed class StartMethodScope : IDisposable
{
    public StartMethodScope(string method) => Mp.SetStartMethod(method, force: true);

    public void Dispose() => Mp.SetStartMethod(null, force: true);
}
