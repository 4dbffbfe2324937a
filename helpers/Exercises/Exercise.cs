using System.Globalization;
using System.Reflection;
using Helpers.Multiprocessing;

namespace Helpers.Exercises;

/// <summary>
/// Self-checks for the notebooks' exercises. <see cref="Check"/> runs a student's attempt with a
/// time limit, turns whatever it throws into a ✗ with a hint (never a trace), and cleans up what it
/// started: child processes still running are killed and joined, and shared objects it left (which
/// only their owner can free) count against it.
/// </summary>
public static class Exercise
{
    /// <summary>
    /// Runs <paramref name="attempt"/> (which calls the student's code and inspects the results) on a
    /// thread of its own and waits at most <paramref name="timeout"/> seconds for it.
    /// </summary>
    /// <param name="id">The exercise, such as <c>03.1</c>.</param>
    /// <param name="task">What a solution does, in a sentence: the hint when the attempt fails or is not written yet.</param>
    /// <param name="attempt">Runs the student's code and returns <see cref="Verdict.Pass"/> or <see cref="Verdict.Fail"/>.</param>
    /// <param name="timeout">Seconds the attempt may take; past them it is abandoned and its children are killed.</param>
    /// <returns>The verdict, with its id; never throws for anything the attempt does.</returns>
    public static Verdict Check(string id, string task, Func<Verdict> attempt, double timeout = 60)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (!double.IsFinite(timeout) || timeout <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A check's timeout is a positive number of seconds.");
        }

        var children = Mp.ActiveChildren().ToHashSet();
        var objects = Mp.SharedObjects().Select(o => o.Name).ToHashSet();
        Verdict? outcome = null;
        Exception? error = null;
        var runner = new Thread(() =>
        {
            try
            {
                outcome = attempt();
            }
#pragma warning disable CA1031 // Whatever the student's code throws becomes a hint.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
        })
        { IsBackground = true, Name = $"exercise {id}" };
        runner.Start();
        var finished = InterruptScope.Wait(runner.Join, TimeSpan.FromSeconds(timeout), $"exercise {id}'s check (Exercise.Check)");

        var verdict = !finished
            ? Verdict.Fail(string.Create(CultureInfo.InvariantCulture, $"did not finish within {timeout:0.#} s (it was abandoned). Expected: {task}. Look for a wait that nothing ends: a Join or Get before the item or stop signal that ends it is sent, or two locks taken in opposite orders."))
            : error is not null ? FromException(error, task)
            : outcome ?? Verdict.Fail($"the check returned no verdict. Expected: {task}");
        verdict = CleanUp(verdict, children, objects, finished);
        return verdict with { Id = id };
    }

    /// <summary>A sequence as <c>[a, b, c]</c>, for hints and confirmations.</summary>
    public static string Show<T>(IEnumerable<T>? items) => items is null
        ? "null"
        : "[" + string.Join(", ", items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture) ?? "null")) + "]";

    private static Verdict FromException(Exception error, string task)
    {
        while (error is (AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException) && error.InnerException is { } inner)
        {
            error = inner;
        }

        if (error is NotImplementedException)
        {
            return Verdict.Fail($"{Verdict.NotDoneYet}replace the line that throws NotImplementedException with your code. Expected: {task}");
        }

        var message = error.Message.Split('\n')[0].Trim();
        return Verdict.Fail($"your code threw {error.GetType().Name}: {message}. Expected: {task}");
    }

    // Kills and joins the children the attempt left running, and counts them and the shared objects it left against it.
    private static Verdict CleanUp(Verdict verdict, HashSet<Multiprocessing.Process> children, HashSet<string> objects, bool finished)
    {
        var notes = new List<string>();
        var running = Mp.ActiveChildren().Where(c => !children.Contains(c)).ToList();
        foreach (var child in running)
        {
            try
            {
                child.Kill();
                child.Join(timeout: 5);
            }
#pragma warning disable CA1031 // Cleanup goes on with the next child whatever this one does.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (running.Count > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{running.Count} child process{(running.Count == 1 ? " was" : "es were")} still running when the attempt {(finished ? "returned" : "was abandoned")} ({string.Join(", ", running.Select(c => c.Name))}); the check killed {(running.Count == 1 ? "it" : "them")}. Join every child you start"));
        }

        // Objects the attempt dropped without Dispose are freed by a collection first, so that the
        // verdict does not depend on whether one happened to run during the attempt.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var left = Mp.SharedObjects().Where(o => !objects.Contains(o.Name)).ToList();
        if (left.Count > 0)
        {
            var types = left.GroupBy(o => o.CreatedFor).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} × {g.Key}");
            notes.Add($"shared objects left undisposed, created for {string.Join(", ", types)}: only their owner can free them, so Dispose each one (a `using var` does it)");
        }

        if (notes.Count == 0)
        {
            return verdict;
        }

        var text = string.Join("; ", notes) + ".";
        return verdict.Passed ? Verdict.Fail($"the results were right, but {text}") : verdict with { Message = $"{verdict.Message}\nAlso: {text}" };
    }
}
