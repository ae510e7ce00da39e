using BenchmarkDotNet.Running;
using Telemetry.Benchmarks.Ingestion;
using Telemetry.Benchmarks.Kafka;

namespace Telemetry.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- --filter '*'   (BenchmarkDotNet; see bench/README.md)
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- ratio          (interleaved CPU-time ratio)
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- kafka          (pipeline vs bare consumer on the mock cluster)
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- flood          (memory under 1,000,000 distinct dimension values)
    private static void Main(string[] args)
    {
        if (args is ["ratio", ..])
        {
            InterleavedRatio.Run();
            return;
        }

        if (args is ["kafka", .. var rest])
        {
            KafkaEndToEnd.Run(rest);
            return;
        }

        if (args is ["flood", .. var floodArgs])
        {
            CardinalityFlood.Run(floodArgs);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
