using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Bicep;

/// <summary>Every resource of a compiled template, nested module deployments included, with the template that declares it.</summary>
internal static class TemplateWalk
{
    public static IEnumerable<(JsonObject Template, JsonObject Resource)> All(JsonObject template)
    {
        foreach (var resource in CompiledTemplates.Resources(template))
        {
            yield return (template, resource);
            if ((string?)resource["type"] == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in All(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    public static IEnumerable<(JsonObject Template, JsonObject Resource)> OfType(JsonObject template, string type) =>
        All(template).Where(r => string.Equals((string?)r.Resource["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Role assignments whose role definition id (variables resolved) contains <paramref name="roleDefinitionId"/>.</summary>
    public static IEnumerable<(JsonObject Template, JsonObject Resource)> RoleAssignments(JsonObject template, string roleDefinitionId) =>
        OfType(template, "Microsoft.Authorization/roleAssignments")
            .Where(r => CompiledTemplates.ResolveVariables(r.Template, (string)r.Resource["properties"]!["roleDefinitionId"]!)
                .Contains(roleDefinitionId, StringComparison.Ordinal));
}
