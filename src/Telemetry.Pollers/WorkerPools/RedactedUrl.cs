namespace Telemetry.Pollers.WorkerPools;

/// <summary>
/// A worker-pool URL as logs, failure messages and published events may show it: scheme, host, port and path. User
/// info (<c>user:password@</c>) and the query (<c>?token=...</c>) often carry credentials, so each is replaced by
/// <c>***</c>; the fragment is dropped.
/// </summary>
internal static class RedactedUrl
{
    public const string Mask = "***";

    public static string For(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return ForText(url.OriginalString);
        }

        var userInfo = url.UserInfo.Length > 0 ? Mask + "@" : string.Empty;
        var query = url.Query.Length > 1 ? "?" + Mask : string.Empty;
        return $"{url.Scheme}://{userInfo}{url.Authority}{url.AbsolutePath}{query}";
    }

    /// <summary>For a setting that may not even parse as a URL: the same masking, done on the text.</summary>
    public static string ForText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return For(url);
        }

        var redacted = text;
        var cut = redacted.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            redacted = redacted[..cut] + (redacted[cut] == '?' ? "?" + Mask : string.Empty);
        }

        var start = redacted.IndexOf("://", StringComparison.Ordinal);
        start = start < 0 ? 0 : start + 3;
        var at = redacted.LastIndexOf('@');
        if (at >= start)
        {
            redacted = redacted[..start] + Mask + redacted[at..];
        }

        return redacted;
    }
}
