using BenchmarkDotNet.Running;
using Telemetry.Benchmarks.Ingestion;

namespace Telemetry.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- --filter '*'   (BenchmarkDotNet; see bench/README.md)
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- ratio          (interleaved CPU-time ratio)
    private static void Main(string[] args)
    {
        if (args is ["ratio", ..])
        {
            InterleavedRatio.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
