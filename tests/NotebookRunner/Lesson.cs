using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotebookRunner;

/// <summary>
/// A notebook as a lesson: a .NET 10 file-based app (<c>dotnet run --file lessons/NN-name.cs</c>) in
/// jupytext's "percent" format, so that it reads in the notebook's order and jupytext opens it as a
/// notebook again. Markdown cells become comments under <c>// %% [markdown]</c>; code cells stay
/// code under <c>// %%</c>, changed only where a program differs from a notebook, each change here:
/// <list type="bullet">
/// <item>the setup cell (<c>#!import setup.dib</c>, and <c>#!import cluster.dib</c> in 07 and 08) is the imported
/// files' C# cells, translated as a notebook's: the cell that runs <c>dotnet build ../Helpers.csproj</c> and
/// <c>#r "../bin/…"</c> are the <c>#:project ../Helpers.csproj</c> line at the top; <c>#r "nuget: Name, Version"</c> is <c>#:package Name@Version</c>;</item>
/// <item>using directives move to the top (C# takes them only before the first statement), and
/// <c>using Microsoft.DotNet.Interactive.Formatting.TabularData;</c> goes: the lesson's
/// <c>ToTabularDataResource()</c> comes from <c>Helpers.Lessons.LessonOutput</c>;</item>
/// <item>types move to the end of the file (C# takes them only after the top-level statements);</item>
/// <item>a cell's last expression, which a notebook displays, becomes <c>display(…);</c>, the
/// helpers' console counterpart (tables as text, charts as files, checks as ✓/✗);</item>
/// <item>a variable declared again in a later cell is assigned instead (a program is one scope).</item>
/// </list>
/// Anything else a program cannot run (another <c>#r</c>, a <c>#!</c> magic) stops the generator with its cell.
/// </summary>
public static class Lesson
{
    /// <summary>The command that writes the lessons, as each lesson's first line names it.</summary>
    public const string Command = "dotnet run --project tests/NotebookRunner -- --lessons";

    private const string TabularData = "Microsoft.DotNet.Interactive.Formatting.TabularData";
    private static readonly CSharpParseOptions Script = new(LanguageVersion.Preview, kind: SourceCodeKind.Script);

    /// <summary>The lesson's file name for a notebook: its name with <c>.cs</c>.</summary>
    public static string FileName(string notebook) => Path.GetFileNameWithoutExtension(notebook) + ".cs";

    /// <summary>Whether a notebook has a lesson: one with code (the contents notebook has none, and a program needs a statement).</summary>
    public static bool HasCode(string notebookJson) => Cells(notebookJson).Any(c => c.Type == "code" && c.Source.Trim().Length > 0);

    /// <summary>The lesson of a notebook, as text.</summary>
    /// <param name="notebookJson">The notebook.</param>
    /// <param name="notebookName">Its file name (for the first line and for errors), such as <c>01-process-creation.ipynb</c>.</param>
    /// <exception cref="InvalidOperationException">A cell uses something a program has no counterpart for; the message names the cell.</exception>
    /// <param name="import">Reads a file that a cell imports (<c>#!import setup.dib</c>), by its path relative to the notebook; null: a notebook that imports nothing.</param>
    public static string FromNotebook(string notebookJson, string notebookName, Func<string, string>? import = null)
    {
        var usings = new List<string>();
        var packages = new List<string>();
        var types = new List<string>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var body = new StringBuilder();
        foreach (var cell in Cells(notebookJson))
        {
            if (cell.Type == "markdown")
            {
                body.Append("\n// %% [markdown]\n").Append(Comment(cell.Source));
            }
            else if (cell.Type == "code" && cell.Source.Trim() is var trimmed && trimmed.StartsWith("#!import ", StringComparison.Ordinal))
            {
                // The setup cell: each imported file's C# cells, in order, translated as the notebook's own.
                var where = $"{notebookName}, cell {cell.Id}";
                body.Append("\n// %%\n");
                foreach (var line in trimmed.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var file = line.StartsWith("#!import ", StringComparison.Ordinal) ? line["#!import ".Length..].Trim().Trim('"')
                        : throw new InvalidOperationException($"{where}: a setup cell holds only #!import lines; move `{line}` to a cell of its own.");
                    var dib = (import ?? throw new InvalidOperationException($"{where}: `{line}` imports a file, and no reader of imports was given."))(file);
                    body.Append("// The notebook's `#!import " + file + "`: its C# cells follow.\n");
                    foreach (var (setup, i) in DibCells(dib).Select((c, i) => (c, i)))
                    {
                        body.Append(Code(setup, $"{file}, C# cell {i + 1} (imported by {where})", usings, packages, types, declared));
                    }
                }
            }
            else if (cell.Type == "code" && cell.Source.Trim().Length > 0)
            {
                var where = $"{notebookName}, cell {cell.Id}";
                body.Append("\n// %%\n").Append(Code(cell.Source, where, usings, packages, types, declared));
            }
        }

        var name = Path.GetFileNameWithoutExtension(notebookName);
        var text = new StringBuilder()
            .Append("// Generated from notebooks/" + notebookName + " by `" + Command + "`: edit the notebook, not this file, and run that command again.\n")
            .Append("// Run it from the repository's folder: dotnet run --file lessons/" + name + ".cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/" + name + ".cs\n")
            .Append("\n// %% [raw]\n")
            .Append("#:project ../Helpers.csproj\n");
        packages.ForEach(p => text.Append(p).Append('\n'));
        text.Append("\n// %%\n")
            .Append("// The notebook's using directives, all here: C# takes them only before the first statement.\n");
        usings.ForEach(u => text.Append(u));
        text.Append("using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)\n")
            .Append("\n// A Windows console writes in its code page unless told otherwise: the lesson's ✓, ×, → and 中文 need UTF-8.\n")
            .Append("Console.OutputEncoding = System.Text.Encoding.UTF8;\n")
            .Append(body);
        if (types.Count > 0)
        {
            text.Append("\n// %% [markdown]\n// The types written in the cells above: C# takes a file's types only after its top-level statements.\n\n// %%\n")
                .Append(string.Join("\n", types));
        }

        return text.ToString();
    }

    /// <summary>Writes the lesson of each notebook that has code into <paramref name="dir"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(IEnumerable<string> notebooks, string dir)
    {
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        foreach (var notebook in notebooks)
        {
            var json = File.ReadAllText(notebook);
            if (HasCode(json))
            {
                var path = Path.Combine(dir, FileName(notebook));
                File.WriteAllText(path, FromNotebook(json, Path.GetFileName(notebook), Imports(notebook)));
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>Reads what a notebook imports, relative to the notebook's folder (as the kernel does).</summary>
    public static Func<string, string> Imports(string notebook) =>
        file => File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebook))!, file));

    // The C# cells of a Polyglot Notebooks .dib file: each starts at a line "#!csharp" and ends at the next "#!" kernel line.
    private static IEnumerable<string> DibCells(string dib)
    {
        string? kernel = null;
        var cell = new StringBuilder();
        foreach (var line in dib.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Append("#!end"))
        {
            if (line == "#!end" || (line.StartsWith("#!", StringComparison.Ordinal) && DibKernels.Contains(line[2..])))
            {
                if (kernel == "csharp" && cell.ToString().Trim().Length > 0)
                {
                    yield return cell.ToString().Trim('\n') + "\n";
                }

                kernel = line[2..];
                cell.Clear();
            }
            else
            {
                cell.Append(line).Append('\n');
            }
        }
    }

    // The lines that start a .dib cell: its kernel's name (or markdown, or the file's metadata).
    private static readonly HashSet<string> DibKernels = new(StringComparer.Ordinal) { "csharp", "fsharp", "pwsh", "javascript", "html", "markdown", "meta", "mermaid", "value", "sql", "kql", "http" };

    // A library of this repository that a notebook references from its build folder: its project.
    private static string? ProjectOf(string reference) => reference switch
    {
        "../cluster/bin/Helpers.Cluster.dll" => "../cluster/Helpers.Cluster.csproj",
        _ => null,
    };

    private static string Comment(string markdown) =>
        string.Concat(markdown.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? "//\n" : $"// {l}\n"));

    // One code cell: notebook-only lines translated, usings and types taken out, the last expression displayed.
    private static string Code(string source, string where, List<string> usings, List<string> packages, List<string> types, HashSet<string> declared)
    {
        if (source.Contains("\"build ../Helpers.csproj", StringComparison.Ordinal) || source.Contains("\"build ../cluster/Helpers.Cluster.csproj", StringComparison.Ordinal))
        {
            return "// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.\n";
        }

        var root = CSharpSyntaxTree.ParseText(string.Join('\n', Translate(source, where, packages)), Script).GetCompilationUnitRoot();
        if (root.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
        {
            throw new InvalidOperationException($"{where}: the cell does not parse as C#: {error}");
        }

        foreach (var directive in root.Usings)
        {
            var text = directive.ToFullString().TrimStart('\n');
            var name = directive.NamespaceOrType.ToString();
            if (name != TabularData && !usings.Any(u => Same(u, directive)))
            {
                usings.Add(text.EndsWith('\n') ? text : text + "\n");
            }
        }

        var code = Members(root, where, types, declared);
        code.Append(root.EndOfFileToken.LeadingTrivia.ToFullString());
        var result = Trimmed(code.ToString());
        return result.Length > 0 ? result : "// This cell's using directives are at the top of the file.\n";
    }

    // The notebook-only lines of a cell: a package or a project reference becomes a #: line of the
    // lesson; the rest has no counterpart and fails with what to do. Other lines are kept.
    private static List<string> Translate(string source, string where, List<string> packages)
    {
        var lines = new List<string>();
        foreach (var line in source.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("#r ", StringComparison.Ordinal))
            {
                var reference = trimmed[3..].Trim().Trim('"');
                if (reference.StartsWith("nuget:", StringComparison.Ordinal))
                {
                    // Pinned, as every package of the project: a lesson must build the same tomorrow.
                    packages.Add(reference[6..].Split(',', StringSplitOptions.TrimEntries) is [var id, var version] && version.Length > 0
                        ? $"#:package {id}@{version}"
                        : throw new InvalidOperationException($"{where}: `{trimmed}` names no version. Pin it in the notebook: #r \"nuget: Name, Version\"."));
                }
                else if (ProjectOf(reference) is { } project)
                {
                    packages.Add($"#:project {project}"); // The project's own libraries are built from source, as the helpers are.
                }
                else if (!reference.StartsWith("../bin/", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{where}: a lesson has no counterpart for `{trimmed}`. Reference the helpers' bin/ (which #:project brings) or a NuGet package, or teach the generator ({nameof(Lesson)}.cs).");
                }
            }
            else if (trimmed.StartsWith("#i ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{where}: a lesson has no counterpart for `{trimmed}`: a package source belongs in nuget.config, which both the notebooks and the lessons use.");
            }
            else if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{where}: a lesson has no counterpart for the notebook magic `{trimmed}`. Write the cell without it, or teach the generator ({nameof(Lesson)}.cs).");
            }
            else
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    // The cell's members in order: a variable declared again is assigned, a type goes to the end of
    // the file, and a last expression without a semicolon is displayed, as a notebook shows it.
    private static StringBuilder Members(CompilationUnitSyntax root, string where, List<string> types, HashSet<string> declared)
    {
        var code = new StringBuilder();
        var members = root.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (Redeclared(member, declared, where) is { } assignment)
            {
                code.Append(assignment);
            }
            else if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
            {
                types.Add(Trimmed(member.ToFullString()));
                code.Append("// " + Kind(member) + " " + Name(member) + ": at the end of this file, where C# takes types.\n");
            }
            else if (i == members.Count - 1 && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } shown })
            {
                code.Append(shown.GetLeadingTrivia().ToFullString()).Append("display(").Append(shown.Expression.ToString()).Append(");\n");
            }
            else
            {
                code.Append(member.ToFullString());
            }
        }

        return code;
    }

    /// <summary>
    /// A notebook may declare a variable again in a later cell (each cell is a scope of its own); a
    /// lesson is one scope, so a second <c>var x = …;</c> becomes the assignment <c>x = …;</c> (a
    /// value of another type then fails the lesson's build, which CI runs). Null when
    /// <paramref name="member"/> declares nothing seen before; it records what it declares.
    /// </summary>
    private static string? Redeclared(MemberDeclarationSyntax member, HashSet<string> declared, string where)
    {
        var declaration = member switch
        {
            GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
            FieldDeclarationSyntax field => field.Declaration,
            _ => null,
        };
        string[] names = member switch
        {
            _ when declaration is not null => [.. declaration.Variables.Select(v => v.Identifier.Text)],
            GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax function } => [function.Identifier.Text],
            MethodDeclarationSyntax method => [method.Identifier.Text],
            _ => [],
        };
        var again = names.Where(n => !declared.Add(n)).ToList();
        if (again.Count == 0)
        {
            return null;
        }

        // Only a plain `var x = …;`: not `using var`, `const`, a typed or a multiple declaration, nor a function.
        var plain = member is GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax { Modifiers.Count: 0, UsingKeyword.RawKind: 0 } }
            or FieldDeclarationSyntax { Modifiers.Count: 0 };
        if (!plain || declaration is not { Type.IsVar: true, Variables: [{ Initializer: { } value } variable] })
        {
            throw new InvalidOperationException($"{where}: '{again[0]}' is declared again, and a lesson is one C# scope. Only `var x = …;` can be declared again (it becomes `x = …;`); give this one another name in the notebook.");
        }

        return member.GetLeadingTrivia().ToFullString() + variable.Identifier.Text + " " + value.ToFullString().TrimEnd() + ";   // declared in an earlier cell: a lesson is one scope\n";
    }

    private static bool Same(string kept, UsingDirectiveSyntax directive) =>
        SyntaxFactory.ParseCompilationUnit(kept).Usings.Any(u => u.WithoutTrivia().ToString() == directive.WithoutTrivia().ToString());

    private static string Kind(MemberDeclarationSyntax member) => member switch
    {
        RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
        TypeDeclarationSyntax t => t.Keyword.Text,
        EnumDeclarationSyntax => "enum",
        _ => "delegate",
    };

    private static string Name(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax t => t.Identifier.Text,
        DelegateDeclarationSyntax d => d.Identifier.Text,
        _ => "",
    };

    // Without blank lines at either end, and ending with one newline (or empty).
    private static string Trimmed(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && lines[0].Trim().Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    private static IEnumerable<(string Type, string Id, string Source)> Cells(string notebookJson) =>
        JsonNode.Parse(notebookJson)!["cells"]!.AsArray().Select(c => (
            (string?)c!["cell_type"] ?? "",
            (string?)c["id"] ?? "",
            c["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)c["source"] ?? ""));
}
