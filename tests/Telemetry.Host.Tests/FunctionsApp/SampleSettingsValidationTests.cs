using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The sample settings are meant to start the app against Azurite and a local broker as they are: every options
/// class binds them (no unknown key, no value of the wrong type) and passes the validators the hosts register.
/// </summary>
public sealed class SampleSettingsValidationTests
{
    public static TheoryData<string> OptionsTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in OptionsKeys.OptionsTypes())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsTypeNames))]
    public void SampleSettings_BindAndPassEveryValidator(string optionsTypeName)
    {
        var optionsType = OptionsKeys.OptionsTypes().Single(type => type.FullName == optionsTypeName);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(RepositoryFiles.SampleSettings().Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)))
            .Build();

        var failures = (IReadOnlyList<string>)typeof(SampleSettingsValidationTests)
            .GetMethod(nameof(BindAndValidate), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(optionsType)
            .Invoke(null, [configuration])!;

        Assert.Empty(failures);
    }

    [Fact]
    public void SampleSettingsWithAWrongValue_FailValidation_SoTheCheckAboveCanFail()
    {
        var settings = RepositoryFiles.SampleSettings().ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        settings["Ledger:TablePrefix"] = "not a table prefix";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var failures = BindAndValidate<Telemetry.Ledger.LedgerOptions>(configuration);

        Assert.Contains(failures, failure => failure.Contains("Ledger:TablePrefix", StringComparison.Ordinal));
    }

    private static List<string> BindAndValidate<TOptions>(IConfiguration configuration)
        where TOptions : class
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddOptions<TOptions>()
            .BindConfiguration(OptionsKeys.SectionName(typeof(TOptions))!, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations();
        foreach (var validator in OptionsKeys.Validators(typeof(TOptions)))
        {
            services.AddSingleton(typeof(IValidateOptions<TOptions>), validator);
        }

        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<TOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return exception.Failures.ToList();
        }
        catch (InvalidOperationException exception)
        {
            // The binder's complaint about an unknown key or a value of the wrong type.
            return [exception.Message];
        }
    }
}
