using System.Text.RegularExpressions;

namespace Telemetry.Infra.Tests.Bicep;

/// <summary>
/// The Kafka parameters of main.bicep against what the Functions app's trigger can do: it subscribes to exactly one
/// topic name, and its SASL mechanism is compiled in (src/Functions/Ingestion/KafkaTriggerSecurity.cs).
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class KafkaParameterTests(CompiledTemplates compiled)
{
    [Fact]
    public void KafkaTopics_TakesExactlyOneTopic()
    {
        var topics = compiled.Main["parameters"]!["kafkaTopics"]!;

        Assert.Equal(1, (int?)topics["minLength"]);
        Assert.Equal(1, (int?)topics["maxLength"]);
    }

    [Fact]
    public async Task AParameterFileWithTwoTopics_IsRefusedByTheBicepCompiler()
    {
        var directory = Directory.CreateTempSubdirectory("kafka-topics-");
        try
        {
            // A copy of the dev parameters with a second topic; `using` must be a relative path.
            var main = Path.GetRelativePath(directory.FullName, RepositoryPaths.MainTemplate).Replace('\\', '/');
            var text = File.ReadAllText(RepositoryPaths.ParameterFile("dev"))
                .Replace("using 'main.bicep'", $"using '{main}'", StringComparison.Ordinal)
                .Replace("param kafkaTopics = [\n  'telemetry'\n]", "param kafkaTopics = [\n  'telemetry'\n  'telemetry-eu'\n]", StringComparison.Ordinal);
            Assert.Contains("'telemetry-eu'", text, StringComparison.Ordinal);
            var file = Path.Combine(directory.FullName, "two-topics.bicepparam");
            File.WriteAllText(file, text);

            var result = await BicepCli.RunAsync("build-params", file, "--stdout", "--diagnostics-format", "sarif");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(Sarif.Results(result.StandardError), message => message.Contains("maximum allowable length is 1", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void EveryAllowedSaslMechanism_HasATriggerBuildThatUsesIt()
    {
        var allowed = compiled.Main["parameters"]!["kafkaSaslMechanism"]!["allowedValues"]!.AsArray().Select(v => (string)v!).ToList();
        var security = File.ReadAllText(Path.Combine(RepositoryPaths.FunctionsSource, "Ingestion", "KafkaTriggerSecurity.cs"));
        var builds = SaslMechanismSetting().Matches(security).Select(m => m.Groups["mechanism"].Value).Where(m => m.Length > 0).ToList();

        Assert.NotEmpty(allowed);
        Assert.All(allowed, mechanism => Assert.Contains(mechanism, builds));
    }

    [GeneratedRegex("""SaslMechanismSetting = "(?<mechanism>[A-Z0-9-]*)";""")]
    private static partial Regex SaslMechanismSetting();
}
