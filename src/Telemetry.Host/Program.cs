using System.CommandLine;

namespace Telemetry.Host;

internal static class Program
{
    private static int Main(string[] args)
    {
        var demo = new Command("demo", "Process an embedded sample stream of all five families and print the per-minute aggregates.");
        demo.SetAction(_ => SampleStream.Run(Console.Out));
        var root = new RootCommand("Telemetry Functions: Kafka telemetry to exact per-minute metrics.") { demo };
        return root.Parse(args).Invoke();
    }
}
