using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Workbook;

/// <summary>The workbook JSON (infra/bicep/workbook/telemetry-workbook.json) and its query items, groups included.</summary>
internal sealed class WorkbookDocument
{
    public const int TextItem = 1;
    public const int QueryItem = 3;
    public const int ParametersItem = 9;
    public const int GroupItem = 12;

    private WorkbookDocument(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public static WorkbookDocument Load() => new(JsonNode.Parse(File.ReadAllText(RepositoryPaths.WorkbookJson))!.AsObject());

    /// <summary>Every item, depth first through groups.</summary>
    public IEnumerable<JsonObject> AllItems() => Flatten(Root["items"]?.AsArray() ?? []);

    public IEnumerable<JsonObject> QueryItems() => AllItems().Where(i => (int?)i["type"] == QueryItem);

    public static string QueryOf(JsonObject item) => (string?)item["content"]?["query"] ?? string.Empty;

    public static string TitleOf(JsonObject item) => (string?)item["content"]?["title"] ?? (string?)item["name"] ?? "?";

    private static IEnumerable<JsonObject> Flatten(JsonArray items)
    {
        foreach (var node in items)
        {
            var item = node!.AsObject();
            yield return item;
            if ((int?)item["type"] == GroupItem && item["content"]?["items"] is JsonArray children)
            {
                foreach (var child in Flatten(children))
                {
                    yield return child;
                }
            }
        }
    }
}
