using System.Runtime.InteropServices;
using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;

namespace Helpers.Notebook;

/// <summary>
/// Hands the stop button to the core helpers: every cell runs in an <see cref="InterruptScope"/>
/// that ends when the cell is cancelled. Two front ends, two ways in:
/// <list type="bullet">
/// <item>VS Code's stop button sends the kernel a Cancel, which cancels the cell's
/// <see cref="KernelInvocationContext.CancellationToken"/>; the kernel reports the cell cancelled at
/// once, so what the interrupt did is shown at the start of the next cell.</item>
/// <item>Jupyter's Interrupt sends SIGINT to the kernel's process group (.NET Interactive ignores the
/// <c>interrupt_request</c> message, and a .NET kernel ends on SIGINT); tools/kernel-launch.sh starts
/// the kernel with SIGINT ignored and turns it into SIGUSR1, which interrupts the running cell here,
/// as SIGINT raises <c>KeyboardInterrupt</c> in a Python kernel. The cell then ends with the
/// <see cref="KeyboardInterruptException"/> as its error.</item>
/// </list>
/// </summary>
internal static class CellInterrupt
{
    private static readonly System.Threading.Lock Gate = new();
    private static CancellationTokenSource? running;
    private static CancellationTokenSource? signalled; // The cell SIGUSR1 interrupted: the kernel still runs it.
    private static PosixSignalRegistration? interrupt;

    /// <summary>Wraps every cell <paramref name="kernel"/> runs in a scope of its own, and takes over SIGINT.</summary>
    public static void Install(Kernel kernel)
    {
        kernel.AddMiddleware(async (command, context, next) =>
        {
            if (command is not SubmitCode)
            {
                await next(command, context).ConfigureAwait(false);
                return;
            }

            using var cell = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            lock (Gate)
            {
                running = cell;
            }

            try
            {
                using var scope = InterruptScope.Enter(cell.Token);
                await next(command, context).ConfigureAwait(false);
                // Shown unless the cell's own error already says it (Jupyter's stop button: the kernel
                // still ran the cell when the signal came, so the cell ends with the exception).
                if (scope.IsInterrupted && (signalled != cell || !scope.ThrewInterrupt))
                {
                    CellOutput.Show(scope.Report() + "\n", isError: true);
                }
            }
            finally
            {
                lock (Gate)
                {
                    (running, signalled) = (null, null);
                }
            }
        });

        // Jupyter's stop button, through tools/kernel-launch.sh: SIGUSR1 (a raw signal number, as
        // PosixSignal allows). Kept for the life of the kernel.
        if (!OperatingSystem.IsWindows())
        {
            interrupt ??= PosixSignalRegistration.Create((PosixSignal)Helpers.Multiprocessing.Platform.Libc.SIGUSR1.Value, signal =>
            {
                signal.Cancel = true;
                lock (Gate)
                {
                    signalled = running;
                    running?.Cancel();
                }
            });
        }
    }
}
