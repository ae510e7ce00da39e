using BenchmarkDotNet.Running;

namespace Telemetry.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project bench/Telemetry.Benchmarks -- --filter '*'   (see bench/README.md)
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
