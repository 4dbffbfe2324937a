using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Helpers.Multiprocessing;

/// <summary>
/// The method a function-style <see cref="Process"/> runs: checked in the parent (so a target that
/// cannot run elsewhere fails at once), named so the child can find it, and bound to its arguments
/// the way Python binds <c>args</c> and <c>kwargs</c>.
/// </summary>
internal sealed class Target
{
    // A notebook cell's function is called on its cell object: in the parent the kernel's own, in a child a recreated one.
    private object? cell;
    private MethodInvoker? invoker;
    private Type[]? parameterTypes;

    private Target(MethodInfo method, object? cell = null) => (Method, this.cell) = (method, cell);

    public MethodInfo Method { get; }

    /// <summary>A name for messages: <c>Work</c>, also for a local function (<c>&lt;Main&gt;g__Work|0_0</c>).</summary>
    public string DisplayName => DisplayNameOf(Method);

    /// <summary>Checks that <paramref name="target"/> can run in a child process.</summary>
    /// <exception cref="ArgumentException">It cannot; the message says what to write instead.</exception>
    public static Target FromDelegate(Delegate target)
    {
        if (target.GetInvocationList().Length > 1)
        {
            throw new ArgumentException("A process runs one method; pass a single method, not a combined delegate.", nameof(target));
        }

        var method = target.Method;
        var name = DisplayNameOf(method);
        if (method.Name.Contains(">b__", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "A lambda cannot run in another process: its code and the variables it captures exist only in this " +
                "process. Write a named method (at the top level of an earlier notebook cell, or a static method in compiled " +
                "code) and pass what it needs as arguments: new Process(Work, x, y).", nameof(target));
        }

        var cellFunction = !method.IsStatic && Submissions.IsSubmission(method.DeclaringType);
        if (!method.IsStatic && !cellFunction && method.DeclaringType?.IsDefined(typeof(CompilerGeneratedAttribute)) == true)
        {
            // A local function that reads a local variable (a file-based app's top-level one, say) is
            // compiled into a closure class whose fields are the variables it captured.
            var captured = method.DeclaringType.GetFields().Select(f => f.Name).Where(n => !n.Contains('<', StringComparison.Ordinal)).ToList();
            var what = captured.Count == 1 ? $"the variable '{captured[0]}'" : $"a local variable ({string.Join(", ", captured.Select(c => $"'{c}'"))})";
            throw new ArgumentException(
                $"'{name}' reads {what} of the code around it, and a child process has none of this process's variables. " +
                $"Pass the value as an argument instead: add a parameter to '{name}' and give it to new Process(...).", nameof(target));
        }

        if (!method.IsStatic && !cellFunction)
        {
            throw new ArgumentException(
                $"'{name}' is an instance method, and a child process has no '{method.DeclaringType?.Name}' object to call " +
                "it on. Make it static and pass what it needs as arguments, or derive from Process and override Run().",
                nameof(target));
        }

        if (method.IsGenericMethod)
        {
            throw new ArgumentException($"'{name}' is generic; wrap it in a non-generic static method to run it in a process.", nameof(target));
        }

        if (method.GetParameters().FirstOrDefault(p => p.ParameterType.IsByRef) is { } byRef)
        {
            throw new ArgumentException(
                $"'{name}' has a ref/out/in parameter '{byRef.Name}'; a child process cannot write to the parent's variables. " +
                "Return results through a Queue or a shared Value instead.", nameof(target));
        }

        CheckLoadable(method.DeclaringType!, $"'{name}'");
        if (cellFunction)
        {
            Assemblies.InMemoryCode!.CheckCallableAlone(method, $"'{name}'");
        }

        return new Target(method, cellFunction ? target.Target : null);
    }

    /// <summary>Checks that a child process can load <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">It cannot; the message says what to do.</exception>
    public static void CheckLoadable(Type type, string? what = null) =>
        Assemblies.CheckLoadable(type.Assembly, what ?? $"'{type.Name}'");

    /// <summary>How another process finds this method: what <see cref="MethodRef.Find"/> reads.</summary>
    public MethodRef Ref => new(TypeRef.From(Method.DeclaringType!), Method.Name, ParameterTypeNames);

    /// <summary>Finds the method a parent described, in the child.</summary>
    public static Target Find(TypeRef type, string method, string[] parameterTypes)
    {
        const BindingFlags Flags = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var declaring = type.Resolve();
        var found = declaring.GetMethods(Flags).Single(m => m.Name == method
            && m.GetParameters().Select(p => p.ParameterType.FullName ?? p.ParameterType.Name).SequenceEqual(parameterTypes));
        return new Target(found);
    }

    /// <summary>The object the method is called on: null for a static method, else the notebook cell's object.</summary>
    public object? Receiver => Method.IsStatic ? null : cell ??= Submissions.Instance(Method.DeclaringType!);

    /// <summary>The parameter types.</summary>
    public Type[] ParameterTypes => parameterTypes ??= [.. Method.GetParameters().Select(p => p.ParameterType)];

    /// <summary>The parameter types, named as <see cref="Find"/> matches them.</summary>
    public string[] ParameterTypeNames => [.. ParameterTypes.Select(t => t.FullName ?? t.Name)];

    /// <summary>
    /// Python's binding of <c>args</c> and <c>kwargs</c> to parameters, done in the parent so a
    /// mistake fails at <c>Start()</c>. Numbers convert as C# would implicitly (3 → 3.0).
    /// </summary>
    /// <exception cref="ArgumentException">Too many, unknown, repeated or missing arguments, or a value of the wrong type.</exception>
    public object?[] Bind(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var parameters = Method.GetParameters();
        if (args.Count > parameters.Length)
        {
            throw new ArgumentException($"{DisplayName}() takes {parameters.Length} argument(s) but {args.Count} were given.");
        }

        var bound = new object?[parameters.Length];
        var given = new bool[parameters.Length];
        for (var i = 0; i < args.Count; i++)
        {
            (bound[i], given[i]) = (Coerce(args[i], parameters[i]), true);
        }

        foreach (var (name, value) in kwargs)
        {
            var i = Array.FindIndex(parameters, p => p.Name == name);
            if (i < 0)
            {
                throw new ArgumentException($"{DisplayName}() has no parameter named '{name}'.");
            }

            if (given[i])
            {
                throw new ArgumentException($"{DisplayName}() got two values for argument '{name}'.");
            }

            (bound[i], given[i]) = (Coerce(value, parameters[i]), true);
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (!given[i])
            {
                bound[i] = parameters[i] switch
                {
                    { HasDefaultValue: true, DefaultValue: null } p when p.ParameterType.IsValueType =>
                        RuntimeHelpers.GetUninitializedObject(p.ParameterType),
                    { HasDefaultValue: true } p => p.DefaultValue,
                    var p => throw new ArgumentException($"{DisplayName}() is missing a value for parameter '{p.Name}'."),
                };
            }
        }

        return bound;
    }

    /// <summary>Calls the method (a notebook cell's function on its recreated cell); an exception it throws comes out as itself, not wrapped.</summary>
    /// <returns>What the method returned; null for a void method.</returns>
    public object? Invoke(object?[] bound)
    {
        try
        {
            invoker ??= MethodInvoker.Create(Method); // Much faster than MethodInfo.Invoke, for pools' many small calls.
            return invoker.Invoke(Receiver, new Span<object?>(bound));
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>Binds and calls, in the current process: what <see cref="Process.Run"/> does.</summary>
    public object? Invoke(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) => Invoke(Bind(args, kwargs));

    private object? Coerce(object? value, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (value is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null
                ? throw new ArgumentException($"{DisplayName}(): parameter '{parameter.Name}' is a {type.Name} and cannot be null.")
                : null;
        }

        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is IConvertible && (target.IsPrimitive || target == typeof(decimal)) && value.GetType().IsPrimitive)
        {
            try
            {
                return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                // Falls through to the error below.
            }
        }

        throw new ArgumentException(
            $"{DisplayName}(): parameter '{parameter.Name}' is a {type.Name}, but the value given is a {value.GetType().Name} ({value}).");
    }

    /// <summary>A method's name as written: a local function's own name, not the compiler's (<c>&lt;Main&gt;g__Work|0_0</c>).</summary>
    internal static string DisplayNameOf(MethodInfo method)
    {
        var name = method.Name;
        var local = name.IndexOf(">g__", StringComparison.Ordinal);
        return local < 0 ? name : name[(local + 4)..name.IndexOf('|', local)];
    }
}

/// <summary>A method as another process finds it: its type, name and parameter types (for overloads).</summary>
/// <param name="Type">The declaring type.</param>
/// <param name="Method">The method's name.</param>
/// <param name="Parameters">The parameter types, by full name.</param>
internal sealed record MethodRef(TypeRef Type, string Method, string[] Parameters)
{
    /// <summary>The method, in this process.</summary>
    public Target Find() => Target.Find(Type, Method, Parameters);
}
