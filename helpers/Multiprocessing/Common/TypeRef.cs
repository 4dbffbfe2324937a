namespace Helpers.Multiprocessing;

/// <summary>A type named so that another process can load it: assembly, full name, type arguments, array rank.</summary>
/// <param name="Assembly">The simple name of the assembly that defines the type (empty for arrays).</param>
/// <param name="Name">The full name of the type, or of its generic definition; <c>[]</c> for an array.</param>
/// <param name="Args">Generic type arguments, or the element type of an array.</param>
/// <param name="Rank">The rank of a multi-dimensional array; 0 otherwise.</param>
internal sealed record TypeRef(string Assembly, string Name, TypeRef[]? Args = null, int Rank = 0)
{
    /// <summary>Describes <paramref name="type"/>.</summary>
    public static TypeRef From(Type type)
    {
        if (type.IsArray)
        {
            return new("", "[]", [From(type.GetElementType()!)], type.IsSZArray ? 0 : type.GetArrayRank());
        }

        Assemblies.CheckLoadable(type.Assembly, $"The type '{type.Name}'");
        if (type.IsConstructedGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            return new(Assemblies.SimpleName(definition.Assembly)!, definition.FullName!, [.. type.GenericTypeArguments.Select(From)]);
        }

        return new(Assemblies.SimpleName(type.Assembly)!, type.FullName ?? type.Name);
    }

    /// <summary>Loads the type described, loading its assembly if needed.</summary>
    public Type Resolve()
    {
        if (Name == "[]")
        {
            var element = Args![0].Resolve();
            return Rank == 0 ? element.MakeArrayType() : element.MakeArrayType(Rank);
        }

        var assembly = Assemblies.Load(Assembly);
        var type = assembly.GetType(Name, throwOnError: true)!;
        return Args is null ? type : type.MakeGenericType([.. Args.Select(a => a.Resolve())]);
    }
}
