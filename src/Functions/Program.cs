using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// The same options, core, ledger, DLQ producer and pollers as the standalone host, validated at start-up.
builder.Services.AddTelemetryPipeline(builder.Configuration);

var openTelemetry = builder.Services.AddOpenTelemetry()
    .AddTelemetryMeters()
    .UseFunctionsWorkerDefaults();

// A local run has no Application Insights resource; the ledger still records every minute without it.
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    openTelemetry.UseAzureMonitorExporter();
}

builder.Build().Run();
