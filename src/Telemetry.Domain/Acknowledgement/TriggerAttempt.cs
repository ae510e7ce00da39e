namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Where a Functions invocation stands in the trigger's retry policy: <c>FunctionContext.RetryContext</c>'s
/// <c>RetryCount</c> (0 on the first execution) and <c>MaxRetryCount</c> (-1 for unbounded). Without a retry
/// policy there is no <c>RetryContext</c>: use <see cref="NoRetryPolicy"/>, which makes every execution final.
/// </summary>
public readonly record struct TriggerAttempt(int RetryCount, int MaxRetryCount)
{
    public static TriggerAttempt NoRetryPolicy { get; } = new(0, 0);

    /// <summary>Whether this execution is the last one the limits allow: the retry limit is the smaller of the trigger's and the policy's.</summary>
    public bool IsFinal(RetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var limit = MaxRetryCount < 0 ? policy.MaxRetries : Math.Min(policy.MaxRetries, MaxRetryCount);
        return RetryCount >= limit;
    }
}
