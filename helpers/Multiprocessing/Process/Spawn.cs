namespace Helpers.Multiprocessing;

/// <summary>
/// The parent's half of spawning, as CPython's <c>spawn.get_preparation_data</c> and the pickling of
/// the process object: the <see cref="SpawnRequest"/> a new child runs from. The child's half is
/// <see cref="ChildMain"/>.
/// </summary>
internal static class Spawn
{
    /// <summary>Builds what the child needs: checks that every argument can cross, and fails here if not.</summary>
    /// <exception cref="ArgumentException">An argument cannot be bound or sent; the message names it.</exception>
    public static SpawnRequest Prepare(Process process, Target? target)
    {
        var type = process.GetType();
        Dictionary<string, Pickled>? state = null;
        Pickled[]? args = null;
        if (target is null)
        {
            state = Reduction.StateOf(process).ToDictionary(
                f => Reduction.StateKey(f.Field),
                f => Check(f.Dump, $"Field '{f.Field.Name}' of {type.Name}"));
        }
        else
        {
            var bound = target.Bind(process.Args, process.Kwargs);
            var parameters = target.Method.GetParameters();
            args = new Pickled[bound.Length];
            for (var i = 0; i < bound.Length; i++)
            {
                var value = bound[i];
                args[i] = Check(() => Reduction.Dumps(value, typeof(object)), $"Argument '{parameters[i].Name}' of {target.DisplayName}()");
            }
        }

        return new SpawnRequest(
            Identity: process.Identity,
            Name: process.Name,
            Daemon: process.Daemon,
            ParentPid: Environment.ProcessId,
            ParentName: Mp.CurrentProcess().Name,
            Nonce: Guid.NewGuid().ToString("N"),
            Assemblies: Assemblies.ForChild(),
            Type: TypeRef.From(target?.Method.DeclaringType ?? type),
            Method: target?.Method.Name,
            ParameterTypes: target?.ParameterTypeNames,
            Args: args,
            State: state,
            Timeline: Tracing.Recorder.Current?.ToRef(Tracing.Recorder.NewId()));
    }

    private static Pickled Check(Func<string> dump, string what)
    {
        try
        {
            var json = dump();
            Reduction.CheckRoundTrip(json, typeof(object)); // What cannot be rebuilt fails here, in the parent, not in the child.
            return new Pickled(json);
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            throw new ArgumentException($"{what} cannot be sent to the child process: {e.Message}", e);
        }
    }
}
