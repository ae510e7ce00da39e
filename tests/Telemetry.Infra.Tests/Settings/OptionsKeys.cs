using System.Reflection;

namespace Telemetry.Infra.Tests.Settings;

/// <summary>
/// Every configuration key the product's options classes bind: for each type named <c>*Options</c> with a
/// <c>const string SectionName</c> in a Telemetry.* assembly, <c>Section:Property</c> for each settable property.
/// The assemblies are loaded from the test's output folder, where the ServiceDefaults reference brings all of src.
/// Properties filled from another setting (<see cref="BoundElsewhere"/>) are not section keys.
/// </summary>
internal static class OptionsKeys
{
    private static readonly Lazy<IReadOnlyList<OptionsClass>> Classes = new(Discover);

    /// <summary>
    /// Options properties that are not bound from their section, with the setting they are read from instead.
    /// </summary>
    public static IReadOnlyDictionary<string, string> BoundElsewhere { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [$"{Telemetry.Export.Configuration.ExportOptions.SectionName}:{nameof(Telemetry.Export.Configuration.ExportOptions.ConnectionString)}"] =
            Telemetry.Export.Configuration.ExportOptions.ConnectionStringKey,
        [$"{Telemetry.Export.Configuration.ExportOptions.SectionName}:{nameof(Telemetry.Export.Configuration.ExportOptions.AuthenticationString)}"] =
            Telemetry.Export.Configuration.ExportOptions.AuthenticationStringKey,
    };

    public static IReadOnlyList<OptionsClass> All => Classes.Value;

    public static IReadOnlySet<string> Sections => All.Select(c => c.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlySet<string> Keys => All.SelectMany(c => c.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>Kafka__BootstrapServers</c> and <c>Kafka:BootstrapServers</c> are the same key to .NET configuration.</summary>
    public static string Normalize(string key) => key.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>True when the key belongs to one of the options sections (whether or not the property exists).</summary>
    public static bool IsInOptionsSection(string key)
    {
        var normalized = Normalize(key);
        var colon = normalized.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Sections.Contains(normalized[..colon]);
    }

    private static List<OptionsClass> Discover()
    {
        var directory = AppContext.BaseDirectory;
        var assemblies = Directory.GetFiles(directory, "Telemetry.*.dll")
            .Where(path => !Path.GetFileName(path).EndsWith(".Tests.dll", StringComparison.Ordinal)
                && !Path.GetFileName(path).Equals("Telemetry.Testing.dll", StringComparison.Ordinal))
            .Select(path => Assembly.LoadFrom(path));

        var classes = new List<OptionsClass>();
        foreach (var assembly in assemblies)
        {
            foreach (var type in assembly.GetTypes().Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal)))
            {
                var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
                if (field is not { IsLiteral: true } || field.GetRawConstantValue() is not string section)
                {
                    continue;
                }

                var keys = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.SetMethod is { IsPublic: true })
                    .Select(p => $"{section}:{p.Name}")
                    .Where(key => !BoundElsewhere.ContainsKey(key))
                    .ToList();
                classes.Add(new OptionsClass(type.FullName!, section, keys));
            }
        }

        return classes;
    }
}

internal sealed record OptionsClass(string TypeName, string Section, IReadOnlyList<string> Keys);
