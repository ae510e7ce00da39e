using System.Text;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-11-23T12:00:00Z", "2026-11-23T12:00:00.000Z")]
    [InlineData("2026-11-23t12:00:00.5z", "2026-11-23T12:00:00.500Z")]
    [InlineData("2026-11-23T12:00:00.123456789Z", "2026-11-23T12:00:00.123Z")]
    [InlineData("2026-11-23T13:30:00+01:30", "2026-11-23T12:00:00.000Z")]
    [InlineData("2026-11-23 07:00:00-05:00", "2026-11-23T12:00:00.000Z")]
    [InlineData("2024-02-29T23:59:60Z", "2024-02-29T23:59:59.000Z")]
    public void Valid_timestamps_parse_to_utc_milliseconds(string text, string expected)
    {
        Assert.True(Rfc3339.TryParseUnixMilliseconds(Encoding.UTF8.GetBytes(text), out var ms));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("2026-11-23T12:00:00")]
    [InlineData("2026-11-23")]
    [InlineData("2025-02-29T00:00:00Z")]
    [InlineData("2026-11-23T24:00:00Z")]
    [InlineData("2026-11-23T12:00:00.Z")]
    [InlineData("2026-11-23T12:00:00+0100")]
    [InlineData("2026-11-23T12:00:00Zjunk")]
    public void Invalid_timestamps_are_refused(string text) =>
        Assert.False(Rfc3339.TryParseUnixMilliseconds(Encoding.UTF8.GetBytes(text), out _));
}
