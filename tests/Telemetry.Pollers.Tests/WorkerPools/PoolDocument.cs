using System.Text.Json;

namespace Telemetry.Pollers.Tests.WorkerPools;

/// <summary>Writes health documents in the contract's shape (docs/worker-pool-contract.md).</summary>
internal static class PoolDocument
{
    public static string Json(string pool, int queueSize, int queueCapacity, params (string Id, string Status, double Uptime, long Requests)[] workers) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["schema"] = 1,
            ["pool"] = pool,
            ["workers"] = workers.Select(w => new Dictionary<string, object>
            {
                ["id"] = w.Id,
                ["status"] = w.Status,
                ["uptime_seconds"] = w.Uptime,
                ["request_count"] = w.Requests,
                ["memory_bytes"] = 50_000_000,
            }).ToArray(),
            ["queue"] = new Dictionary<string, object> { ["size"] = queueSize, ["capacity"] = queueCapacity },
        });
}
