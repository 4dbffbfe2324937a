using System.Text.Json.Nodes;
using NotebookRunner;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>Student copies: each solution region becomes one line that throws, at its indentation; everything else stays.</summary>
public sealed class StudentCopyTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_solution_region_becomes_one_throwing_line_at_its_indentation()
    {
        var source = "int Twice(int x)\n{\n    // BEGIN SOLUTION\n    var y = 2 * x;\n    return y;\n    // END SOLUTION\n}";

        var stubbed = StudentCopy.StubSolutions(source);

        Assert.Equal("int Twice(int x)\n{\n    throw new NotImplementedException(\"your code here\");\n}", stubbed);
    }

    [Fact]
    public void Every_region_of_a_cell_is_replaced_and_code_outside_them_stays()
    {
        var source = "class B\n{\n    public void Put()\n    {\n        // BEGIN SOLUTION\n        a();\n        // END SOLUTION\n    }\n    public int Take()\n    {\n      // BEGIN SOLUTION\n      return 1;\n      // END SOLUTION\n    }\n}";

        var stubbed = StudentCopy.StubSolutions(source);

        Assert.Equal(2, stubbed.Split('\n').Count(l => l.Contains(StudentCopy.Stub, StringComparison.Ordinal)));
        Assert.Contains("        throw new", stubbed, StringComparison.Ordinal);
        Assert.Contains("      throw new", stubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("return 1", stubbed, StringComparison.Ordinal);
        Assert.Contains("public int Take()", stubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_without_its_end_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => StudentCopy.StubSolutions("// BEGIN SOLUTION\nx();"));
    }

    [Fact]
    public void A_notebook_keeps_its_hints_and_checks_and_loses_its_solutions_and_outputs()
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["id"] = "t", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("Task\n", "<details><summary>Hint · 提示</summary>use Put</details>") },
                new JsonObject
                {
                    ["cell_type"] = "code",
                    ["id"] = "s",
                    ["execution_count"] = 3,
                    ["metadata"] = new JsonObject(),
                    ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "old" }),
                    ["source"] = new JsonArray("void F()\n", "{\n", "    // BEGIN SOLUTION\n", "    G();\n", "    // END SOLUTION\n", "}"),
                },
                new JsonObject { ["cell_type"] = "code", ["id"] = "c", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = "Exercise.Check(\"01.1\", \"F\", () => { F(); return Verdict.Pass(\"ok\"); })" }),
            ["metadata"] = new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        }.ToJsonString();

        var copy = JsonNode.Parse(StudentCopy.ToStudent(notebook))!["cells"]!.AsArray();

        Assert.Contains("提示", copy[0]!["source"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
        Assert.Equal(["void F()\n", "{\n", "    throw new NotImplementedException(\"your code here\");\n", "}"], copy[1]!["source"]!.AsArray().Select(l => (string)l!));
        Assert.Empty(copy[1]!["outputs"]!.AsArray());
        Assert.Null(copy[1]!["execution_count"]);
        Assert.Contains("Exercise.Check(", string.Concat(copy[2]!["source"]!.AsArray().Select(l => (string)l!)), StringComparison.Ordinal);
        Assert.Equal(["t", "s", "c"], copy.Select(c => (string)c!["id"]!));
    }

    [Fact]
    public void The_marks_of_an_executed_notebook_are_the_first_lines_of_its_check_cells()
    {
        static JsonObject Check(string text) => new()
        {
            ["cell_type"] = "code",
            ["source"] = "Exercise.Check(\"x\", \"y\", () => Verdict.Pass(\"z\"))",
            ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "execute_result", ["data"] = new JsonObject { ["text/plain"] = text } }),
        };
        var executed = new JsonObject { ["cells"] = new JsonArray(Check("✓ 01.1 fine"), Check("✗ 01.2 not done yet: write it\nmore")) }.ToJsonString();

        Assert.Equal(["✓ 01.1 fine", "✗ 01.2 not done yet: write it"], StudentCopy.Marks(executed));
        Assert.Single(StudentCopy.Problems(executed, student: false));
        Assert.Single(StudentCopy.Problems(executed, student: true));
    }
}
