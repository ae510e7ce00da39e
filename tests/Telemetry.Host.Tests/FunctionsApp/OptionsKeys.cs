using System.Reflection;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The flat <c>Section:Property</c> keys of every options class in the product's assemblies: a class named
/// <c>...Options</c> with a <c>const string SectionName</c>, whose settable public properties are its keys.
/// </summary>
internal static class OptionsKeys
{
    public static IReadOnlyList<Type> OptionsTypes() =>
        ProductAssemblies()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsClass && !type.IsAbstract && type.Name.EndsWith("Options", StringComparison.Ordinal) && SectionName(type) is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<(string Key, Type Options)> All() =>
        OptionsTypes()
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(property => property.SetMethod is { IsPublic: true })
                .Select(property => ($"{SectionName(type)}:{property.Name}", type)))
            .ToList();

    /// <summary>The <c>IValidateOptions&lt;T&gt;</c> implementations of the product for <paramref name="optionsType"/>.</summary>
    public static IReadOnlyList<Type> Validators(Type optionsType)
    {
        var contract = typeof(Microsoft.Extensions.Options.IValidateOptions<>).MakeGenericType(optionsType);
        return ProductAssemblies()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && contract.IsAssignableFrom(type))
            .ToList();
    }

    public static string? SectionName(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } field
            ? field.GetRawConstantValue() as string
            : null;

    /// <summary>The product's own assemblies beside the tests (every project the host references but the local stand-ins).</summary>
    public static IEnumerable<Assembly> ProductAssemblies() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "Telemetry.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name is not null && !name.EndsWith(".Tests", StringComparison.Ordinal) && name is not "Telemetry.Testing" and not "Telemetry.DevServices")
            .Order(StringComparer.Ordinal)
            .Select(name => Assembly.Load(new AssemblyName(name!)));
}
