namespace Helpers.Multiprocessing;

// The pool's public calls, Python's Pool methods one by one: each overload once, for every back end.
public abstract partial class WorkerPool
{
    /// <summary>Python's <c>apply(f)</c>: runs <paramref name="func"/> in a worker and waits for its result.</summary>
    public TResult Apply<TResult>(Func<TResult> func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply(f, (a,))</c>.</summary>
    public TResult Apply<T1, TResult>(Func<T1, TResult> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply(f, (a, b))</c>.</summary>
    public TResult Apply<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2) => ApplyAsync(func, arg1, arg2).Get();

    /// <summary>Python's <c>apply(f, (a, b, c))</c>.</summary>
    public TResult Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3) => ApplyAsync(func, arg1, arg2, arg3).Get();

    /// <summary>Python's <c>apply(f)</c> for a function that returns nothing (<c>def f(): ...</c>): runs it in a worker and waits until it is done.</summary>
    public void Apply(Action func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply(f, (a,))</c> for a function that returns nothing.</summary>
    public void Apply<T1>(Action<T1> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply(f, (a, b))</c> for a function that returns nothing.</summary>
    public void Apply<T1, T2>(Action<T1, T2> func, T1 arg1, T2 arg2) => ApplyAsync(func, arg1, arg2).Get();

    /// <summary>Python's <c>apply(f, (a, b, c))</c> for a function that returns nothing.</summary>
    public void Apply<T1, T2, T3>(Action<T1, T2, T3> func, T1 arg1, T2 arg2, T3 arg3) => ApplyAsync(func, arg1, arg2, arg3).Get();

    /// <summary>
    /// Python's <c>apply_async(f)</c> for a function that returns nothing: <c>Get()</c> returns null
    /// (Python's None) once it is done, or raises its exception; the callback gets null.
    /// </summary>
    public AsyncResult<object?> ApplyAsync(Action func, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a,))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1>(Action<T1> func, T1 arg1, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1, T2>(Action<T1, T2> func, T1 arg1, T2 arg2, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b, c))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1, T2, T3>(Action<T1, T2, T3> func, T1 arg1, T2 arg2, T3 arg3, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2, arg3], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, callback=..., error_callback=...)</c>: sends the task and returns at once.</summary>
    public AsyncResult<TResult> ApplyAsync<TResult>(Func<TResult> func, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a,), callback=..., error_callback=...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> func, T1 arg1, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b), ...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b, c), ...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2, arg3], callback, errorCallback);

    /// <summary>
    /// Python's <c>map(f, iterable, chunksize)</c>: calls <paramref name="func"/> on every item in the
    /// workers and returns the results in the items' order. Items go in chunks (by default about four
    /// per worker), so that tiny calls cost little each.
    /// </summary>
    /// <exception cref="Exception">The first exception a call raised, with its type.</exception>
    public List<TResult> Map<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null) =>
        MapAsync(func, items, chunksize).Get();

    /// <summary>Python's <c>map_async</c>: <see cref="Map"/> without waiting.</summary>
    public AsyncResult<List<TResult>> MapAsync<T, TResult>(
        Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null, Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitMap<T, TResult>(func, items, chunksize, callback, errorCallback).Result;

    /// <summary>Python's <c>starmap(f, [(a, b), …])</c>: each tuple's items are the arguments of one call.</summary>
    public List<TResult> Starmap<T1, T2, TResult>(Func<T1, T2, TResult> func, IEnumerable<(T1, T2)> items, int? chunksize = null) =>
        SubmitStarmap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2 }), chunksize).Result.Get();

    /// <summary>Python's <c>starmap(f, [(a, b, c), …])</c>.</summary>
    public List<TResult> Starmap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, IEnumerable<(T1, T2, T3)> items, int? chunksize = null) =>
        SubmitStarmap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2, i.Item3 }), chunksize).Result.Get();

    /// <summary>Python's <c>imap(f, iterable, chunksize=1)</c>: the results in order, each as soon as it and those before it are done.</summary>
    public IEnumerable<TResult> Imap<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<T, TResult>(func, items, chunksize, null, null).InOrder();

    /// <summary>Python's <c>imap_unordered</c>: the results as they are done, in any order.</summary>
    public IEnumerable<TResult> ImapUnordered<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<T, TResult>(func, items, chunksize, null, null).AsDone();
}
