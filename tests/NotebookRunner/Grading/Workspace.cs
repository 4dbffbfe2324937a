namespace NotebookRunner.Grading;

/// <summary>
/// The folder a submission runs from, <c>/tmp/grade-XXXX/NN-student/</c>, laid out as a clone so that
/// notebooks and lessons find what they expect: <c>bin/</c> (the helpers, built once before grading
/// and copied, so a submission that deletes or overwrites them harms only itself), <c>notebooks/</c>
/// with the teacher's setup.dib (and cluster.dib) minus their build cell, and <c>lessons/</c> with
/// the lessons' build settings.
/// </summary>
public static class Workspace
{
    /// <summary>Creates the folder for one submission under <paramref name="work"/>, from the repository's built helpers.</summary>
    public static string Create(string work, int index, string student, Course course, string builtBin, string? builtCluster)
    {
        ArgumentNullException.ThrowIfNull(course);
        var dir = Path.Combine(work, $"{index:00}-{SafeName(student)}");
        CopyFolder(builtBin, Path.Combine(dir, "bin"));
        if (builtCluster is not null)
        {
            CopyFolder(builtCluster, Path.Combine(dir, "cluster", "bin"));
        }

        var notebooks = Directory.CreateDirectory(Path.Combine(dir, "notebooks")).FullName;
        foreach (var dib in (string[])["setup.dib", "cluster.dib"])
        {
            var teacher = Path.Combine(course.Folder, dib);
            if (File.Exists(teacher))
            {
                File.WriteAllText(Path.Combine(notebooks, dib), WithoutBuildCell(File.ReadAllText(teacher)));
            }
        }

        var lessons = Directory.CreateDirectory(Path.Combine(dir, "lessons")).FullName;
        var props = Path.Combine(course.Root, "lessons", "Directory.Build.props");
        if (File.Exists(props))
        {
            File.Copy(props, Path.Combine(lessons, "Directory.Build.props"));
        }

        return dir;
    }

    /// <summary>
    /// A .dib without its first C# cell, the one that builds the library with <c>dotnet build</c>:
    /// built once before grading instead, as several kernels building one project at once collide.
    /// </summary>
    public static string WithoutBuildCell(string dib)
    {
        const string Cell = "\n#!csharp\n";
        var first = (dib ?? "").IndexOf(Cell, StringComparison.Ordinal);
        var second = first < 0 ? -1 : dib!.IndexOf(Cell, first + Cell.Length, StringComparison.Ordinal);
        return second < 0
            ? dib ?? ""
            : dib![..(first + Cell.Length)] + "\n// Graded: the library was built once before grading and copied beside this folder.\n" + dib[second..];
    }

    /// <summary>A student's name as a folder's: letters, digits, '-', '_' and '.', the rest as '_'.</summary>
    public static string SafeName(string student)
    {
        var safe = new string([.. (student ?? "").Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return safe.Trim('.').Length > 0 ? safe : "student";
    }

    /// <summary>Copies a folder and everything in it.</summary>
    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
