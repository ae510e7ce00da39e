using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.Tests;

/// <summary>Writes warnings and above to stderr when TEST_KAFKA_LOG is set, so a failing run can be diagnosed.</summary>
internal sealed class ConsoleTestLogger(string name) : ILogger
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("TEST_KAFKA_LOG") is { Length: > 0 };

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => Enabled && logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (this.IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{name}] {logLevel}: {formatter(state, exception)} {exception?.Message}");
        }
    }
}
