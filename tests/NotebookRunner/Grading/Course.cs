using System.Text.RegularExpressions;

namespace NotebookRunner.Grading;

/// <summary>One exercise's check in the teacher's copy: the exercise, where the check is, its source.</summary>
/// <param name="Exercise">The exercise, such as <c>03.1</c>.</param>
/// <param name="Where">The check cell's id in a notebook (<c>ex03-1-check</c>), or its place in a lesson.</param>
/// <param name="Source">The check cell's source.</param>
public sealed record CheckCell(string Exercise, string Where, string Source);

/// <summary>A teacher's notebook that has exercises, with its checks, and its lesson's checks when it has one.</summary>
/// <param name="Name">The file name, such as <c>03-process-locks-and-shared-memory.ipynb</c>.</param>
/// <param name="Checks">The check cells, in order.</param>
/// <param name="LessonChecks">The checks of its lesson (<c>lessons/NN-name.cs</c>), empty when there is none.</param>
/// <param name="UsesCluster">Whether it imports <c>cluster.dib</c> (the Orleans library, notebooks 07 and 08).</param>
public sealed record TeacherNotebook(string Name, IReadOnlyList<CheckCell> Checks, IReadOnlyList<CheckCell> LessonChecks, bool UsesCluster)
{
    /// <summary>The lesson's file name: the notebook's, with <c>.cs</c>.</summary>
    public string LessonName => Path.ChangeExtension(Name, ".cs");
}

/// <summary>
/// The teacher's copy of the course, which grading compares the submissions with: the notebooks
/// with exercises (the repository's <c>notebooks/</c> unless told otherwise), their check cells, and
/// the lessons generated from them.
/// </summary>
public sealed partial class Course
{
    private Course(string root, string folder, IReadOnlyList<TeacherNotebook> notebooks) => (Root, Folder, Notebooks) = (root, folder, notebooks);

    /// <summary>The repository: Helpers.csproj, bin/, cluster/, lessons/.</summary>
    public string Root { get; }

    /// <summary>The teacher's notebooks folder (with setup.dib).</summary>
    public string Folder { get; }

    /// <summary>The notebooks with exercises, in file-name order.</summary>
    public IReadOnlyList<TeacherNotebook> Notebooks { get; }

    /// <summary>Reads the teacher's notebooks in <paramref name="folder"/>, and their lessons in <paramref name="root"/>/lessons.</summary>
    public static Course Load(string root, string folder)
    {
        var notebooks = new List<TeacherNotebook>();
        foreach (var path in Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal))
        {
            var cells = NotebookCell.Parse(File.ReadAllText(path));
            var checks = cells.Where(c => c.Type == "code").SelectMany(c => CheckId(c.Source) is { } id ? [new CheckCell(id, c.Id, c.Source)] : Array.Empty<CheckCell>()).ToList();
            if (checks.Count == 0)
            {
                continue;
            }

            var lesson = Path.Combine(root, "lessons", Path.ChangeExtension(Path.GetFileName(path), ".cs"));
            var lessonChecks = File.Exists(lesson) ? LessonCells(File.ReadAllText(lesson)) : [];
            var usesCluster = cells.Any(c => c.Type == "code" && c.Source.Contains("#!import cluster.dib", StringComparison.Ordinal));
            notebooks.Add(new TeacherNotebook(Path.GetFileName(path), checks, lessonChecks, usesCluster));
        }

        return new Course(root, folder, notebooks);
    }

    /// <summary>The teacher's notebook a submitted notebook is a copy of: the one whose check cell ids it shares most, else the one of the same name.</summary>
    public TeacherNotebook? ForNotebook(string fileName, IReadOnlyList<NotebookCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var ids = cells.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return Notebooks.Select(n => (Notebook: n, Shared: n.Checks.Count(c => ids.Contains(c.Where)))).Where(n => n.Shared > 0)
            .OrderByDescending(n => n.Shared).Select(n => n.Notebook).FirstOrDefault()
            ?? Notebooks.FirstOrDefault(n => n.Name == Path.GetFileName(fileName));
    }

    /// <summary>The teacher's notebook a submitted lesson comes from: the one whose exercises it checks, else the one whose number starts its name.</summary>
    public TeacherNotebook? ForLesson(string fileName, string source)
    {
        var ids = LessonCells(source).Select(c => c.Exercise).ToHashSet(StringComparer.Ordinal);
        return Notebooks.FirstOrDefault(n => n.Checks.Any(c => ids.Contains(c.Exercise)))
            ?? Notebooks.FirstOrDefault(n => Path.GetFileName(fileName).Length > 3 && n.Name.StartsWith(Path.GetFileName(fileName)[..3], StringComparison.Ordinal));
    }

    /// <summary>The exercise a check cell checks (<c>Exercise.Check("03.1", …</c>), or null when it is not a check.</summary>
    public static string? CheckId(string source) => CheckCall().Match(source ?? "") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The check cells of a lesson (jupytext percent format: cells begin at <c>// %%</c> lines), each named by its place.</summary>
    public static IReadOnlyList<CheckCell> LessonCells(string lesson)
    {
        var cells = new List<CheckCell>();
        var current = new List<string>();
        var number = 0;
        foreach (var line in (lesson ?? "").ReplaceLineEndings("\n").Split('\n').Append("// %%"))
        {
            if (!line.StartsWith("// %%", StringComparison.Ordinal))
            {
                current.Add(line);
                continue;
            }

            var text = string.Join('\n', current);
            if (CheckId(text) is { } id)
            {
                cells.Add(new CheckCell(id, $"lesson cell {number}", text));
            }

            (current, number) = ([], number + 1);
        }

        return cells;
    }

    [GeneratedRegex(@"Exercise\.Check\(\s*""(\d\d\.\d+)""", RegexOptions.CultureInvariant)]
    private static partial Regex CheckCall();
}
