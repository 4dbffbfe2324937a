using System.Globalization;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Linux: the runtime's key is field 22 of /proc/PID/stat (starttime, in clock ticks since boot; proc(5)).
internal static partial class RuntimeFiles
{
    [SupportedOSPlatform("linux")]
    private static ulong? LinuxKeyOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // No such process.
        }

        // Field 2, the command name, is in parentheses and may hold spaces: count from after its ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : null;
    }
}
