using System.Text.Json;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>
/// The two lines a child reads (its request, a spare's assemblies), written and read token by token
/// rather than by the serializer: every field crosses as it was, and a line that is not a request
/// is refused with a message, never half read.
/// </summary>
public sealed class WireTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_request_with_every_field_reads_back_as_written()
    {
        var image = new byte[] { 0, 1, 2, 250, 255 };
        var request = new SpawnRequest(
            "2:1", "Process-\"quoted\" ✓", true, 4242, "MainProcess", "a1b2",
            [new("Cells", Image: image, Symbols: [7, 8], Slot: 3), new("Helpers", Path: "/x/Helpers.dll")],
            new TypeRef("System.Private.CoreLib", "System.Collections.Generic.Dictionary`2", [new("System.Private.CoreLib", "System.String"), new("", "[]", [new("System.Private.CoreLib", "System.Int32")], 2)]),
            "Run", ["System.Int32", "System.String"],
            [Pickled.Dump(3), Pickled.Dump("three"), Pickled.Dump(new[] { 1.5, 2.5 })],
            new Dictionary<string, Pickled> { ["<Field>k__BackingField"] = Pickled.Dump(new List<string> { "a", "b" }) },
            new Helpers.Tracing.TimelineRef("hmp-1-shm-x", 123_456_789_012, 1L << 40));

        var line = Wire.WriteRequest(request);
        var back = Wire.ReadRequest(line);

        Assert.DoesNotContain('\n', line);
        Assert.Equal((request.Identity, request.Name, request.Daemon, request.ParentPid, request.ParentName, request.Nonce), (back.Identity, back.Name, back.Daemon, back.ParentPid, back.ParentName, back.Nonce));
        Assert.Equal(request.Assemblies, back.Assemblies, (a, b) => a.Name == b.Name && a.Path == b.Path && a.Slot == b.Slot
            && (a.Image ?? []).SequenceEqual(b.Image ?? []) && (a.Symbols ?? []).SequenceEqual(b.Symbols ?? []) && (a.Image is null) == (b.Image is null));
        Assert.Equal(Describe(request.Type), Describe(back.Type));
        Assert.Equal(request.Method, back.Method);
        Assert.Equal(request.ParameterTypes, back.ParameterTypes);
        Assert.Equal([3, "three", new[] { 1.5, 2.5 }], back.Args!.Select(a => a.Load()));
        Assert.Equal(["a", "b"], (List<string>)back.State!["<Field>k__BackingField"].Load()!);
        Assert.Equal(request.Timeline, back.Timeline);
    }

    [Fact]
    public void A_request_without_its_optional_fields_reads_them_as_null()
    {
        var request = new SpawnRequest("1", "Process-1", false, 1, "MainProcess", "n", [], new TypeRef("A", "B"), null, null, null, null);

        var back = Wire.ReadRequest(Wire.WriteRequest(request));

        Assert.Null(back.Method);
        Assert.Null(back.ParameterTypes);
        Assert.Null(back.Args);
        Assert.Null(back.State);
        Assert.Null(back.Timeline);
        Assert.Null(back.Type.Args);
    }

    [Fact]
    public void A_spare_reads_its_assemblies_line_as_written()
    {
        List<AssemblySource> assemblies = [new("A", Path: "/a/A.dll"), new("Submission#1", Image: [1, 2, 3], Slot: 1)];

        var back = Wire.ReadAssemblies(Wire.WriteAssemblies(assemblies));

        Assert.Equal(["A", "Submission#1"], back.Select(a => a.Name));
        Assert.Equal([1, 2, 3], back[1].Image!);
        Assert.Equal(1, back[1].Slot);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("[]", "should start with StartObject")]
    [InlineData("{\"Identity\":\"1\"", "")]
    [InlineData("{\"Identity\":\"1\"}", "Name is missing")]
    [InlineData("{\"Identity\":1}", "")]
    [InlineData("not json", "")]
    public void A_line_that_is_not_a_request_is_refused_with_a_message(string line, string says)
    {
        var e = Assert.ThrowsAny<JsonException>(() => Wire.ReadRequest(line));

        Assert.StartsWith("Not a request of this version of Helpers.dll: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    private static string Describe(TypeRef type) =>
        $"{type.Assembly}|{type.Name}|{type.Rank}[{string.Join(",", (type.Args ?? []).Select(Describe))}]" + (type.Args is null ? "" : "!");
}
