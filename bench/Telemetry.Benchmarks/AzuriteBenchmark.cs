namespace Telemetry.Benchmarks;

/// <summary>
/// A benchmark class that runs against its own Azurite. BenchmarkDotNet calls the global cleanup; Dispose covers a
/// run that never reaches it. Not sealed, and neither are its subclasses: BenchmarkDotNet derives from them.
/// </summary>
public abstract class AzuriteBenchmark : IDisposable
{
    private protected LedgerAzurite? Azurite { get; private set; }

    private protected void StartAzurite() => Azurite = new LedgerAzurite();

    [BenchmarkDotNet.Attributes.GlobalCleanup]
    public void Cleanup()
    {
        Azurite?.Dispose();
        Azurite = null;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Cleanup();
        }
    }
}
