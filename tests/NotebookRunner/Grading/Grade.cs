namespace NotebookRunner.Grading;

/// <summary>What the gradebook says about one exercise of one student.</summary>
public enum GradeState
{
    /// <summary>The check said ✓.</summary>
    Passed,

    /// <summary>The check said ✗ about an attempt.</summary>
    Failed,

    /// <summary>The check said ✗ … not done yet: the solution is still the stub.</summary>
    NotDone,

    /// <summary>The check gave no verdict: the notebook did not reach it, or the check cell failed.</summary>
    DidNotRun,

    /// <summary>The check cell differs from the teacher's copy, or is missing: its verdict does not count.</summary>
    ChangedCheck,

    /// <summary>The student handed in no notebook or lesson with this exercise.</summary>
    NotHandedIn,
}

/// <summary>One exercise of one student: its state, and the check's message or the reason it has none.</summary>
/// <param name="Exercise">The exercise, such as <c>03.1</c>.</param>
/// <param name="State">What the gradebook shows.</param>
/// <param name="Message">The verdict's text, or why there is none.</param>
public sealed record ExerciseGrade(string Exercise, GradeState State, string Message)
{
    /// <summary>The state as the gradebook writes it: ✓, ✗, not done, did not run, changed check, not handed in.</summary>
    public string Label => Labels(State);

    /// <summary>The label of a state.</summary>
    public static string Labels(GradeState state) => state switch
    {
        GradeState.Passed => "✓",
        GradeState.Failed => "✗",
        GradeState.NotDone => "not done",
        GradeState.DidNotRun => "did not run",
        GradeState.ChangedCheck => "changed check",
        _ => "not handed in",
    };
}
