using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telemetry.Infra.Tests.Bicep;

/// <summary>
/// Compiles main.bicep and both parameter files once per test run, with the same bicep CLI as validate.sh, and
/// keeps the ARM JSON the tests read. A compile that prints any diagnostic fails every test that uses it.
/// </summary>
public sealed class CompiledTemplates : IAsyncLifetime
{
    private JsonObject? _main;
    private JsonObject? _devParameters;
    private JsonObject? _prodParameters;

    public JsonObject Main => _main ?? throw new InvalidOperationException("Not compiled.");

    public JsonObject DevParameters => _devParameters ?? throw new InvalidOperationException("Not compiled.");

    public JsonObject ProdParameters => _prodParameters ?? throw new InvalidOperationException("Not compiled.");

    /// <summary>Diagnostics of every compile, as SARIF result messages; validate.sh fails on any of them, and so do the tests.</summary>
    public IReadOnlyList<string> Diagnostics { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var runs = await Task.WhenAll(
            BicepCli.RunAsync("build", RepositoryPaths.MainTemplate, "--stdout", "--diagnostics-format", "sarif"),
            BicepCli.RunAsync("build-params", RepositoryPaths.ParameterFile("dev"), "--stdout", "--diagnostics-format", "sarif"),
            BicepCli.RunAsync("build-params", RepositoryPaths.ParameterFile("prod"), "--stdout", "--diagnostics-format", "sarif"));
        foreach (var run in runs)
        {
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException(run.Describe());
            }
        }

        Diagnostics = runs.SelectMany(r => Sarif.Results(r.StandardError)).ToList();
        _main = Parse(runs[0].StandardOutput);
        _devParameters = ParametersOf(runs[1].StandardOutput);
        _prodParameters = ParametersOf(runs[2].StandardOutput);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The module deployment named <paramref name="deploymentName"/> (its <c>name</c>, not its symbol).</summary>
    public JsonObject Module(string deploymentName) =>
        Resources(Main).SingleOrDefault(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName)
        ?? throw new InvalidOperationException($"main.bicep has no module deployment named '{deploymentName}'.");

    /// <summary>The template a module compiles to.</summary>
    public JsonObject ModuleTemplate(string deploymentName) => Module(deploymentName)["properties"]!["template"]!.AsObject();

    /// <summary>The resources of a template, whether it uses symbolic names (an object) or the classic array.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonObject byName => byName.Select(p => p.Value!.AsObject()),
        JsonArray list => list.Select(r => r!.AsObject()),
        _ => [],
    };

    /// <summary>
    /// An ARM expression with each <c>variables('name')</c> whose value is a plain string replaced by that value
    /// (Bicep moves literals such as loadTextContent() results and role ids into variables). A whole-expression
    /// reference, <c>[variables('name')]</c>, becomes the value itself.
    /// </summary>
    public static string ResolveVariables(JsonObject template, string expression)
    {
        var variables = template["variables"] as JsonObject;
        if (variables is null)
        {
            return expression;
        }

        foreach (var (name, value) in variables)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && !text.StartsWith('['))
            {
                var reference = $"variables('{name}')";
                if (expression == $"[{reference}]")
                {
                    return text;
                }

                expression = expression.Replace(reference, $"'{text}'", StringComparison.Ordinal);
            }
        }

        return expression;
    }

    private static JsonObject Parse(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();

    // build-params --stdout wraps the parameters JSON in {"parametersJson": "...", "templateJson": ...}.
    private static JsonObject ParametersOf(string stdout)
    {
        var root = Parse(stdout);
        return root["parametersJson"] is JsonValue text ? Parse(text.GetValue<string>()) : root;
    }
}
