using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Helpers.Notebook;

/// <summary>
/// Shows each line a child prints in the notebook cell that is running when it arrives; lines that
/// arrive while no cell runs are shown at the start of the next cell. (Python's children in Jupyter
/// print to the server's terminal, where students never see them.)
/// </summary>
internal static class CellOutput
{
    private static readonly System.Threading.Lock Gate = new();
    private static readonly List<(string Text, bool IsError)> Pending = [];
    private static KernelInvocationContext? running;

    /// <summary>Follows the cells <paramref name="kernel"/> runs, and takes over the children's output.</summary>
    public static void Install(Kernel kernel, KernelInvocationContext? current)
    {
        running = current;
        kernel.AddMiddleware(async (command, context, next) =>
        {
            if (command is SubmitCode)
            {
                lock (Gate)
                {
                    running = context;
                    foreach (var (text, isError) in Pending)
                    {
                        Publish(context, text, isError);
                    }

                    Pending.Clear();
                }
            }

            await next(command, context).ConfigureAwait(false);
        });
        Popen.Output = Write;
    }

    /// <summary>
    /// Shows <paramref name="text"/> in the running cell, or at the start of the next one if none runs
    /// (or the running one already ended, as an interrupted cell has for the kernel).
    /// </summary>
    public static void Show(string text, bool isError)
    {
        lock (Gate)
        {
            if (running is { IsComplete: false } context)
            {
                Publish(context, text, isError);
            }
            else
            {
                Pending.Add((text, isError));
            }
        }
    }

    private static void Write(Process process, string line, bool isError) => Show($"[{process.Name}] {line}\n", isError);

    private static void Publish(KernelInvocationContext context, string line, bool isError)
    {
        FormattedValue[] text = [new("text/plain", line)];
        context.Publish(isError
            ? new StandardErrorValueProduced(context.Command, text)
            : new StandardOutputValueProduced(context.Command, text));
    }
}
