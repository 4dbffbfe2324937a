namespace Helpers.Multiprocessing;

/// <summary>
/// Runs a chunk of calls in a worker, whatever the pool's back end (a <see cref="Pool"/> worker
/// process, a cluster's silo). Functions of one or two parameters (map, starmap) are called
/// through a typed delegate over typed arrays: no boxing and no reflection per call, which is most of
/// what a tiny task would otherwise cost. Others go through reflection.
/// </summary>
internal abstract class ChunkRunner(Target target)
{
    /// <summary>The function it runs.</summary>
    public Target Target { get; } = target;

    /// <summary>Calls the function once per row of <paramref name="columns"/>; returns the results as an array of the return type.</summary>
    public abstract Array Run(Array[] columns, int count);

    /// <summary>The fastest runner for <paramref name="target"/>.</summary>
    public static ChunkRunner For(Target target)
    {
        var types = target.ParameterTypes;
        var result = target.Method.ReturnType;
        if (result != typeof(void) && types.Length is 1 or 2)
        {
            var signature = types.Length == 1 ? typeof(Func<,>).MakeGenericType(types[0], result) : typeof(Func<,,>).MakeGenericType(types[0], types[1], result);
            var runner = types.Length == 1 ? typeof(Typed<,>).MakeGenericType(types[0], result) : typeof(Typed<,,>).MakeGenericType(types[0], types[1], result);
            return (ChunkRunner)Activator.CreateInstance(runner, target, target.Method.CreateDelegate(signature, target.Receiver))!;
        }

        return new Reflected(target);
    }

    /// <summary>
    /// A worker's answer to a task (CPython's <c>pool.worker</c> body): runs the chunk and returns the
    /// result message, with the values or the error (the function's exception, whose type, message and
    /// trace cross back; or a result that cannot be sent back, as a <see cref="MaybeEncodingException"/>).
    /// </summary>
    /// <param name="id">The task's number (<see cref="PoolMessages.ReadId"/>).</param>
    /// <param name="task">The task message (<see cref="PoolMessages.EncodeTask"/>).</param>
    /// <param name="runners">What runs the function of a given number; what it raises fails the task.</param>
    /// <param name="worker">The worker, for the message of a result that cannot be sent back ("worker", "silo").</param>
    /// <param name="trace">An exception's text as the caller will see it, stack trace included.</param>
    public static byte[] Answer(long id, byte[] task, Func<int, ChunkRunner> runners, string worker, Func<Exception, string> trace)
    {
        Array values;
        var recorder = Tracing.Recorder.Current;
        try
        {
            var (runner, count, columns) = PoolMessages.DecodeTask(task, runners);
            if (recorder is null)
            {
                values = runner.Run(columns, count);
            }
            else
            {
                // The worker's CPU time beside the task's wall time: a share under 1 means it waited for a CPU.
                recorder.Record(Tracing.EventKind.Task, Tracing.EventPhase.Begin, runner.Target.DisplayName, id, Environment.CpuUsage.TotalTime.Ticks, (short)Math.Min(count, short.MaxValue));
                try
                {
                    values = runner.Run(columns, count);
                }
                finally
                {
                    recorder.Record(Tracing.EventKind.Task, Tracing.EventPhase.End, runner.Target.DisplayName, id, Environment.CpuUsage.TotalTime.Ticks);
                }
            }
        }
        catch (Exception e)
        {
            return PoolMessages.EncodeError(id, new PoolError(e.GetType().FullName ?? e.GetType().Name, e.Message, trace(e)));
        }

        try
        {
            return PoolMessages.EncodeResult(id, values.GetType().GetElementType()!, values);
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            // A result that cannot be sent back fails this task only.
            return PoolMessages.EncodeError(id, new PoolError(
                typeof(MaybeEncodingException).FullName!, $"The task's result cannot be sent back from the {worker}: {e.Message}", trace(e)));
        }
    }

    private sealed class Typed<T, TResult>(Target target, Func<T, TResult> function) : ChunkRunner(target)
    {
        public override Array Run(Array[] columns, int count)
        {
            var input = (T[])columns[0];
            var output = new TResult[count];
            for (var i = 0; i < count; i++)
            {
                output[i] = function(input[i]);
            }

            return output;
        }
    }

    private sealed class Typed<T1, T2, TResult>(Target target, Func<T1, T2, TResult> function) : ChunkRunner(target)
    {
        public override Array Run(Array[] columns, int count)
        {
            var (first, second) = ((T1[])columns[0], (T2[])columns[1]);
            var output = new TResult[count];
            for (var i = 0; i < count; i++)
            {
                output[i] = function(first[i], second[i]);
            }

            return output;
        }
    }

    private sealed class Reflected(Target target) : ChunkRunner(target)
    {
        public override Array Run(Array[] columns, int count)
        {
            var values = Array.CreateInstance(Target.Method.ReturnType == typeof(void) ? typeof(object) : Target.Method.ReturnType, count);
            var args = new object?[columns.Length];
            for (var call = 0; call < count; call++)
            {
                for (var p = 0; p < columns.Length; p++)
                {
                    args[p] = columns[p].GetValue(call);
                }

                values.SetValue(Target.Invoke(args), call);
            }

            return values;
        }
    }
}
