namespace Telemetry.Infra.Tests;

/// <summary>Files of the repository the infra tests read, found from the test binaries upwards.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string BicepDirectory => Path.Combine(Root, "infra", "bicep");

    public static string MainTemplate => Path.Combine(BicepDirectory, "main.bicep");

    public static string WorkbookJson => Path.Combine(BicepDirectory, "workbook", "telemetry-workbook.json");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    public static string FunctionsSource => Path.Combine(Root, "src", "Functions");

    /// <summary>Where infra/bicep/tools/install-bicep.sh links the bicep CLI.</summary>
    public static string BicepExecutable => Path.Combine(Root, ".tools", "bicep", "bicep");

    public static string ParameterFile(string environment) => Path.Combine(BicepDirectory, $"main.{environment}.bicepparam");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Functions.sln above {AppContext.BaseDirectory}: the infra tests must run from the repository.");
    }
}
