namespace Helpers.Multiprocessing;

/// <summary>What the finalizers of the objects that own OS names share.</summary>
internal static class Finalizer
{
    /// <summary>
    /// Runs the clean-up of an object dropped without <c>Dispose</c>. A finalizer must never throw
    /// (that would end the process), so a failure is ignored: the resource tracker removes the
    /// name when the process ends.
    /// </summary>
    public static void Run(Action cleanUp)
    {
        try
        {
            cleanUp();
        }
#pragma warning disable CA1031 // See above: nothing may escape a finalizer.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
