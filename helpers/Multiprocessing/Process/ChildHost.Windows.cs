using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32;
using Microsoft.Win32.SafeHandles;

namespace Helpers.Multiprocessing;

// Windows: the registered install location, and a job object that ends every child program with
// this process. The standard-input lifeline ends a child whose parent dies, but on Windows a pipe
// stays open while any process holds a copy of its handle (one inherited by a sibling started at
// the same moment, say); a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE does not depend on
// that: the system closes this process's handle to it however the process ends, and then ends every
// process in the job. This process joins the job itself, before its first child starts, so that
// every process it starts is in the job from its creation: a child added after it starts could be
// missed by a parent that dies in between (under Wine such a child then never finishes starting).
// Where this process cannot join (an older Windows, whose jobs do not nest), each child is added
// once started. Both are a second strand: the lifeline alone still ends a child that is left out.
// So every program this process starts from then on (the Python of the CPython comparisons too)
// ends with it, unless it asks to break away, which the job allows.
internal static partial class ChildHost
{
    private const int JobObjectExtendedLimitInformation = 9;
    private const uint JobObjectLimitKillOnJobClose = 0x2000;
    private const uint JobObjectLimitBreakawayOk = 0x800;

    // The job, and whether this process is in it (then its children are too, from their creation).
    [SupportedOSPlatform("windows")]
    private static readonly Lazy<(SafeFileHandle? Job, bool ThisProcessIn)> Job = new(CreateJob);

    // What an installer registers, as the host reads it: in the 32-bit view of the registry.
    [SupportedOSPlatform("windows")]
    private static string? RegisteredInstallWindows()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        using var machine = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry32);
        using var key = machine.OpenSubKey($@"SOFTWARE\dotnet\Setup\InstalledVersions\{arch}");
        return key?.GetValue("InstallLocation") as string;
    }

    // Before a child starts: this process joins the job, once.
    [SupportedOSPlatform("windows")]
    private static void JoinJob() => _ = Job.Value;

    // After a child started: added to the job, unless it is in it already.
    [SupportedOSPlatform("windows")]
    private static void TieToThisProcess(System.Diagnostics.Process child)
    {
        if (Job.Value is { Job: { } job, ThisProcessIn: false })
        {
            _ = AssignProcessToJobObject(job, child.Handle); // Fails only for a child that has exited already.
        }
    }

    [SupportedOSPlatform("windows")]
    private static (SafeFileHandle? Job, bool ThisProcessIn) CreateJob()
    {
        var job = CreateJobObjectW(0, null);
        // A program this process starts that asks to leave the job (CREATE_BREAKAWAY_FROM_JOB) may.
        var limits = new ExtendedLimitInformation { Basic = new BasicLimitInformation { LimitFlags = JobObjectLimitKillOnJobClose | JobObjectLimitBreakawayOk } };
        if (job.IsInvalid || !SetInformationJobObject(job, JobObjectExtendedLimitInformation, ref limits, (uint)Marshal.SizeOf<ExtendedLimitInformation>()))
        {
            job.Dispose();
            return (null, false); // No job: the lifeline alone ends the children.
        }

        // Never closed: closing it is what ends the children, which happens when this process ends.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (job, AssignProcessToJobObject(job, self.Handle));
    }

    [LibraryImport("kernel32", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeFileHandle CreateJobObjectW(nint attributes, string? name);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetInformationJobObject(SafeFileHandle job, int informationClass, ref ExtendedLimitInformation information, uint length);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool AssignProcessToJobObject(SafeFileHandle job, nint process);

    // JOBOBJECT_BASIC_LIMIT_INFORMATION (winnt.h), in its field order; sequential layout pads as C does.
    [StructLayout(LayoutKind.Sequential)]
    private struct BasicLimitInformation
    {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public uint LimitFlags;
        public nuint MinimumWorkingSetSize;
        public nuint MaximumWorkingSetSize;
        public uint ActiveProcessLimit;
        public nuint Affinity;
        public uint PriorityClass;
        public uint SchedulingClass;
    }

    // JOBOBJECT_EXTENDED_LIMIT_INFORMATION: the basic limits, IO_COUNTERS (six 64-bit counts), four sizes.
    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedLimitInformation
    {
        public BasicLimitInformation Basic;
        public ulong ReadOperationCount;
        public ulong WriteOperationCount;
        public ulong OtherOperationCount;
        public ulong ReadTransferCount;
        public ulong WriteTransferCount;
        public ulong OtherTransferCount;
        public nuint ProcessMemoryLimit;
        public nuint JobMemoryLimit;
        public nuint PeakProcessMemoryUsed;
        public nuint PeakJobMemoryUsed;
    }
}
