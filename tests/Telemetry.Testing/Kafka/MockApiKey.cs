namespace Telemetry.Testing.Kafka;

/// <summary>Kafka protocol request keys the mock cluster can be told to fail (a subset of the protocol's ApiKey).</summary>
public enum MockApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    InitProducerId = 22,
}
