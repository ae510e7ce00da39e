namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Keeps error texts fit for a Kafka header and a log field: bounded length, no control characters.
/// Truncation marks itself so a reader knows the text was cut.
/// </summary>
internal static class BoundedText
{
    public static string Bound(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var length = Math.Min(text.Length, maxLength);
        var truncated = text.Length > maxLength;
        if (truncated && length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Create(length + (truncated ? 1 : 0), (text, length, truncated), static (span, state) =>
        {
            for (var i = 0; i < state.length; i++)
            {
                var c = state.text[i];
                span[i] = char.IsControl(c) ? ' ' : c;
            }

            if (state.truncated)
            {
                span[state.length] = '…';
            }
        });
    }
}
