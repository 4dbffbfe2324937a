using System.Globalization;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using NotebookRunner;
using NotebookRunner.Grading;

// Usage:
//   NotebookRunner [--out DIR] [--no-student] [NOTEBOOK.ipynb ...]
//     Runs each notebook (default: every notebooks/*.ipynb, in order) in a fresh kernel of its
//     own process, writes the executed copies to DIR (default: out/notebooks), and expects every
//     exercise check to pass (✓). Then writes the student copies (solutions stubbed) to
//     out/student (with --out: DIR/student), runs those with exercises, writes them executed to
//     that folder's executed/, and expects every check to say "not done yet" (✗, no error).
//     Prints one line per run and exits 1 if anything failed. --no-student skips the student copies.
//   NotebookRunner --student [--out DIR] [NOTEBOOK.ipynb ...]
//     Only writes the student copies, to DIR (default: out/student), for a teacher to hand out.
//   NotebookRunner --lessons [NOTEBOOK.ipynb ...]
//     Writes each notebook's lesson, lessons/NN-name.cs: the notebook as a .NET 10 file-based app
//     (dotnet run --file lessons/NN-name.cs) in jupytext's percent format (see Lesson.cs).
//     A notebook without code (the contents) has none.
//   NotebookRunner --grade SUBMISSIONS [--out DIR] [--timeout SECONDS] [--parallel N] [--teacher DIR]
//                  [--max-processes N] [--max-memory MB] [--max-output CHARS]
//     Grades a class: SUBMISSIONS holds one folder (or one file) per student, with student copies of
//     the notebooks (.ipynb) and/or lessons (.cs). Each runs in a fresh kernel (a lesson: dotnet run
//     --file) in a copy of its own, with limits, and everything it started is killed afterwards.
//     Writes DIR (default: out/grades)/gradebook.csv and gradebook.html, with the executed copies
//     beside them (see Grading/Grader.cs). Exits 0 when every submission could be graded.
//   NotebookRunner --one NOTEBOOK.ipynb OUTPUT.ipynb [WORKDIR] [--grading MAXCHARS] [--cancel-on FILE]
//     Runs one notebook in this process (what each of the above processes does). With --cancel-on,
//     a running cell is cancelled (the stop button) once FILE exists (the interrupt tests). With
//     --grading, each cell keeps at most MAXCHARS characters of output and OUTPUT is saved after every cell.
if (args is ["--one", var input, var output, .. var rest])
{
    string? cancelOn = null;
    if (rest is [.. var before, "--cancel-on", var signal])
    {
        (rest, cancelOn) = (before, signal);
    }

    OutputLimits? limits = null;
    if (rest is [.. var earlier, "--grading", var maxChars])
    {
        (rest, limits) = (earlier, new OutputLimits(int.Parse(maxChars, CultureInfo.InvariantCulture), output));
    }

    var (document, result) = await NotebookExecutor.RunAsync(input, rest is [var workdir] ? workdir : null, cancelOn, limits);
    await File.WriteAllTextAsync(output, document.ToJupyterJson());
    foreach (var failure in result.Failures)
    {
        Console.Error.WriteLine(failure);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Cells} {result.Elapsed.TotalSeconds:F1}"));
    return result.Succeeded ? 0 : 1;
}

var root = FindRepositoryRoot();
if (args is ["--grade", var submissions, .. var gradeArgs])
{
    return await GradeAsync(root, submissions, gradeArgs);
}

string? outArg = null;
var studentOnly = false;
var lessons = false;
var withStudent = true;
var notebooks = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            outArg = Path.GetFullPath(args[++i]);
            break;
        case "--student":
            studentOnly = true;
            break;
        case "--lessons":
            lessons = true;
            break;
        case "--no-student":
            withStudent = false;
            break;
        default:
            notebooks.Add(Path.GetFullPath(args[i]));
            break;
    }
}

if (notebooks.Count == 0)
{
    notebooks.AddRange(Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal));
}

if (lessons)
{
    var written = Lesson.Write(notebooks, Path.Combine(root, "lessons"));
    written.ToList().ForEach(w => Console.WriteLine(Path.GetRelativePath(root, w)));
    Console.WriteLine(written.Count == 0
        ? "no lessons written: none of these notebooks has code"
        : $"{written.Count} lessons written; run one with: dotnet run --file lessons/{Path.GetFileName(written[0])}");
    return 0;
}

if (studentOnly)
{
    var written = StudentCopy.Write(notebooks, outArg ?? Path.Combine(root, "out", "student"));
    Console.WriteLine($"student copies ({written.Count}): {Path.GetDirectoryName(written[0])}");
    Console.WriteLine("They open from a notebooks/ folder beside Helpers.csproj: copy them over a clone's notebooks/ to hand out.");
    return 0;
}

var outDir = outArg ?? Path.Combine(root, "out", "notebooks");
Directory.CreateDirectory(outDir);
var failed = 0;
foreach (var notebook in notebooks)
{
    failed += await RunAsync(notebook, Path.Combine(outDir, Path.GetFileName(notebook)), student: false, workingDirectory: null) ? 0 : 1;
}

Console.WriteLine($"executed notebooks: {outDir}");
if (withStudent)
{
    var studentDir = outArg is null ? Path.Combine(root, "out", "student") : Path.Combine(outDir, "student");
    var executedDir = Path.Combine(studentDir, "executed");
    Directory.CreateDirectory(executedDir);
    foreach (var (teacher, copy) in notebooks.Zip(StudentCopy.Write(notebooks, studentDir)))
    {
        if (StudentCopy.HasSolutions(File.ReadAllText(teacher)))
        {
            // A student copy runs from the teacher's folder, where ../Helpers.csproj is.
            failed += await RunAsync(copy, Path.Combine(executedDir, Path.GetFileName(copy)), student: true, workingDirectory: Path.GetDirectoryName(teacher)) ? 0 : 1;
        }
    }

    Console.WriteLine($"student copies: {studentDir} (executed: {executedDir})");
}

return failed == 0 ? 0 : 1;

// Runs one notebook in its own process and checks its exercise checks; prints its line.
static async Task<bool> RunAsync(string notebook, string executed, bool student, string? workingDirectory)
{
    var run = await Runner.RunInOwnProcessAsync(notebook, executed, TimeSpan.FromMinutes(20), workingDirectory);
    var problems = File.Exists(executed) ? StudentCopy.Problems(File.ReadAllText(executed), student) : [];
    var checks = File.Exists(executed) ? StudentCopy.Marks(File.ReadAllText(executed)).Count : 0;
    var ok = run.Ok && problems.Count == 0;
    var name = Path.GetFileName(notebook) + (student ? " (student)" : "");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-50} {run.Cells,3} cells {run.Seconds,7:F1} s  {checks} checks {(student ? "✗" : "✓")}  {(ok ? "ok" : "FAILED")}"));
    if (!ok)
    {
        Console.WriteLine(run.Errors);
        problems.ToList().ForEach(Console.WriteLine);
    }

    return ok;
}

// --grade SUBMISSIONS [--out DIR] [--timeout S] [--parallel N] [--teacher DIR] [--max-processes N] [--max-memory MB] [--max-output CHARS]
static async Task<int> GradeAsync(string root, string submissions, string[] options)
{
    var grading = new GradingOptions { Submissions = Path.GetFullPath(submissions), Out = Path.Combine(root, "out", "grades"), Root = root, Progress = Console.Out };
    for (var i = 0; i + 1 < options.Length; i += 2)
    {
        var value = options[i + 1];
        grading = options[i] switch
        {
            "--out" => grading with { Out = Path.GetFullPath(value) },
            "--timeout" => grading with { Timeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
            "--parallel" => grading with { Parallel = int.Parse(value, CultureInfo.InvariantCulture) },
            "--teacher" => grading with { Teacher = Path.GetFullPath(value) },
            "--max-processes" => grading with { MaxProcesses = int.Parse(value, CultureInfo.InvariantCulture) },
            "--max-memory" => grading with { MaxMemoryBytes = long.Parse(value, CultureInfo.InvariantCulture) << 20 },
            "--max-output" => grading with { MaxOutputChars = int.Parse(value, CultureInfo.InvariantCulture) },
            _ => throw new ArgumentException($"--grade: unknown option {options[i]} (see the usage at the top of tests/NotebookRunner/Program.cs)"),
        };
    }

    if (options.Length % 2 != 0)
    {
        throw new ArgumentException($"--grade: {options[^1]} needs a value");
    }

    if (!Directory.Exists(grading.Submissions))
    {
        Console.Error.WriteLine($"--grade: no folder {grading.Submissions}");
        return 2;
    }

    await Grader.GradeAsync(grading);
    return 0;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Helpers.csproj")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run the notebook runner from inside the repository (no Helpers.csproj above it).");
}
