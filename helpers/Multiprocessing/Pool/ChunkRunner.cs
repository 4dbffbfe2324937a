namespace Helpers.Multiprocessing;

/// <summary>
/// Runs a chunk of calls in a worker. Functions of one or two parameters (map, starmap) are called
/// through a typed delegate over typed arrays: no boxing and no reflection per call, which is most of
/// what a tiny task would otherwise cost. Others go through reflection.
/// </summary>
internal abstract class ChunkRunner
{
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
            return (ChunkRunner)Activator.CreateInstance(runner, target.Method.CreateDelegate(signature, target.Receiver))!;
        }

        return new Reflected(target);
    }

    private sealed class Typed<T, TResult>(Func<T, TResult> function) : ChunkRunner
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

    private sealed class Typed<T1, T2, TResult>(Func<T1, T2, TResult> function) : ChunkRunner
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

    private sealed class Reflected(Target target) : ChunkRunner
    {
        public override Array Run(Array[] columns, int count)
        {
            var values = Array.CreateInstance(target.Method.ReturnType == typeof(void) ? typeof(object) : target.Method.ReturnType, count);
            var args = new object?[columns.Length];
            for (var call = 0; call < count; call++)
            {
                for (var p = 0; p < columns.Length; p++)
                {
                    args[p] = columns[p].GetValue(call);
                }

                values.SetValue(target.Invoke(args), call);
            }

            return values;
        }
    }
}
