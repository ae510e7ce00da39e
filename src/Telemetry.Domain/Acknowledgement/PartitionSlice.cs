using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>One partition's records in offset order, with the items that belong to them in the same order.</summary>
public sealed record PartitionSlice<T>(string Topic, int Partition, IReadOnlyList<ConsumedRecord> Records, IReadOnlyList<T> Items);
