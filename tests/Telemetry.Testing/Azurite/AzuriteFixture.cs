using Telemetry.DevServices.Azurite;
using Xunit;

namespace Telemetry.Testing.Azurite;

/// <summary>
/// Starts one Azurite for a test collection and stops it by PID afterwards. Tests isolate themselves by table
/// prefix (<see cref="NewTablePrefix"/>), so they can share the process. A fixture that cannot start Azurite
/// fails every test in the collection with the reason.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not been started.");

    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>A table-name prefix no other test uses: a letter, then 15 alphanumerics.</summary>
    public static string NewTablePrefix() => "t" + Guid.NewGuid().ToString("N")[..15];

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
