using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class AckStrategyNamesTests
{
    [Theory]
    [InlineData("all_or_nothing", AckStrategy.AllOrNothing)]
    [InlineData("best_effort", AckStrategy.BestEffort)]
    [InlineData(" Last_Successful ", AckStrategy.LastSuccessful)]
    [InlineData("", AckStrategy.AllOrNothing)]
    [InlineData(null, AckStrategy.AllOrNothing)]
    public void Configured_values_parse_to_their_strategy(string? value, AckStrategy expected) =>
        Assert.Equal(expected, AckStrategyNames.Parse(value));

    [Theory]
    [InlineData("AllOrNothing")]
    [InlineData("all-or-nothing")]
    [InlineData("1")]
    public void Unknown_values_are_rejected_with_the_accepted_ones_listed(string value)
    {
        Assert.False(AckStrategyNames.TryParse(value, out _));
        var error = Assert.Throws<FormatException>(() => AckStrategyNames.Parse(value));
        Assert.Contains("all_or_nothing, best_effort, last_successful", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_strategy_round_trips_through_its_config_value()
    {
        foreach (var strategy in Enum.GetValues<AckStrategy>())
        {
            Assert.Equal(strategy, AckStrategyNames.Parse(strategy.ToConfigValue()));
        }
    }
}
