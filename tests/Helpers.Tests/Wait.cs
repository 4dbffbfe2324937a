using System.Diagnostics;

namespace Helpers.Tests;

/// <summary>Waiting for a condition that another process brings about, with a deadline instead of a guess.</summary>
internal static class Wait
{
    public static bool Until(Func<bool> condition, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>The pid another process writes into <paramref name="file"/>, once it has; fails with <paramref name="never"/> otherwise.</summary>
    public static int ForPidIn(string file, string never)
    {
        // The writer ends the number with a newline: until it is there, the number may be cut short.
        var pid = 0;
        Xunit.Assert.True(Until(() => ReadShared(file) is { } text && text.EndsWith('\n') && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out pid)), never);
        return pid;
    }

    /// <summary>
    /// The text of a file another process may still be writing, or null while it cannot be read yet.
    /// On Windows a plain read fails while the writer has the file open (sharing rules), so this one
    /// shares read and write access.
    /// </summary>
    public static string? ReadShared(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return null; // Not created yet (FileNotFoundException), or held in a way that refuses even a shared read.
        }
    }

    public static bool PidGone(int pid, double seconds = 30) => Until(() => !PidAlive(pid), seconds);

    public static bool PidAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
