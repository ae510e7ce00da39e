using Telemetry.Domain.Acknowledgement;

namespace Telemetry.Domain.Diagnostics;

/// <summary>The bounded identity of a partition's batch that Kafee's lifecycle counters and the batch activity carry.</summary>
public readonly record struct KafeeBatchTags(string Topic, int Partition, string ConsumerGroup, AckStrategy AckStrategy);
