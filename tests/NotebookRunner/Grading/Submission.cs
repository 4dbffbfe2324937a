namespace NotebookRunner.Grading;

/// <summary>One student's submission: their name and the notebooks (.ipynb) and lessons (.cs) they handed in.</summary>
/// <param name="Student">The folder's name, or the file's without its extension.</param>
/// <param name="Notebooks">The notebooks, by full path.</param>
/// <param name="Lessons">The lessons, by full path.</param>
public sealed record Submission(string Student, IReadOnlyList<string> Notebooks, IReadOnlyList<string> Lessons)
{
    /// <summary>
    /// The submissions in <paramref name="folder"/>: each folder is a student (every .ipynb and .cs in it,
    /// at any depth, except build output and checkpoints), and each .ipynb or .cs file directly in it is a student of its own.
    /// </summary>
    public static IReadOnlyList<Submission> Find(string folder)
    {
        var submissions = new List<Submission>();
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".ipynb_checkpoints" || p.StartsWith('.')))
                .Order(StringComparer.Ordinal).ToList();
            submissions.Add(new Submission(Path.GetFileName(dir), [.. files.Where(IsNotebook)], [.. files.Where(IsLesson)]));
        }

        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal).Where(f => IsNotebook(f) || IsLesson(f)))
        {
            submissions.Add(new Submission(Path.GetFileNameWithoutExtension(file), IsNotebook(file) ? [file] : [], IsLesson(file) ? [file] : []));
        }

        return submissions;
    }

    private static bool IsNotebook(string path) => path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase);

    private static bool IsLesson(string path) => path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);
}
