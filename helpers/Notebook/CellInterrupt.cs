using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;

namespace Helpers.Notebook;

/// <summary>
/// Hands each cell's cancellation to the core helpers: every cell runs in an <see cref="InterruptScope"/>
/// of the cell's <see cref="KernelInvocationContext.CancellationToken"/>, which the stop button cancels
/// (VS Code sends the kernel a Cancel; Jupyter sends an interrupt request, with the project's kernelspec,
/// which .NET Interactive turns into the same Cancel). A cell blocked in a helpers wait then ends with a
/// <see cref="KeyboardInterruptException"/>, and what it started is stopped.
/// </summary>
internal static class CellInterrupt
{
    /// <summary>Wraps every cell <paramref name="kernel"/> runs in a scope of its own.</summary>
    public static void Install(Kernel kernel) => kernel.AddMiddleware(async (command, context, next) =>
    {
        if (command is not SubmitCode)
        {
            await next(command, context).ConfigureAwait(false);
            return;
        }

        using var scope = InterruptScope.Enter(context.CancellationToken);
        await next(command, context).ConfigureAwait(false);

        // The kernel reported the cell as cancelled the moment Cancel came; its code ends only now.
        // What the interrupt did is shown here (or at the start of the next cell, as the cell is over).
        if (scope.IsInterrupted)
        {
            CellOutput.Show(scope.Report() + "\n", isError: true);
        }
    });
}
