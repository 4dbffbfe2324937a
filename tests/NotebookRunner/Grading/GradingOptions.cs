namespace NotebookRunner.Grading;

/// <summary>What <see cref="Grader.GradeAsync"/> grades, where it writes, and the limits of each submission.</summary>
public sealed record GradingOptions
{
    /// <summary>The class: one folder (or one file) per student.</summary>
    public required string Submissions { get; init; }

    /// <summary>Where gradebook.csv, gradebook.html and the executed copies go.</summary>
    public required string Out { get; init; }

    /// <summary>The repository: Helpers.csproj, bin/, cluster/, lessons/.</summary>
    public required string Root { get; init; }

    /// <summary>The teacher's notebooks, which the checks are compared with; by default <see cref="Root"/>/notebooks.</summary>
    public string? Teacher { get; init; }

    /// <summary>The wall time one notebook or lesson may take; past it, it is stopped and its remaining checks did not run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How many submissions run at once (by default the number of CPUs).</summary>
    public int Parallel { get; init; } = Environment.ProcessorCount;

    /// <summary>The processes one submission may have at once; over it, it is stopped (a process bomb).</summary>
    public int MaxProcesses { get; init; } = 64;

    /// <summary>The resident memory all of one submission's processes may hold; over it, it is stopped.</summary>
    public long MaxMemoryBytes { get; init; } = 4L << 30;

    /// <summary>
    /// The characters of output kept per cell in an executed copy (and of a lesson's whole output): a
    /// chart with plotly inlined (notebook 03's first timeline: 3.7 million characters) is kept whole when it comes first; what follows it is dropped.
    /// </summary>
    public int MaxOutputChars { get; init; } = 1_000_000;

    /// <summary>Whether to build the helpers (and the cluster library, when a notebook needs it) first, as setup.dib would.</summary>
    public bool Build { get; init; } = true;

    /// <summary>Where progress lines go (null: nowhere).</summary>
    public TextWriter? Progress { get; init; }
}
