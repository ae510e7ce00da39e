using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

var builder = FunctionsApplication.CreateBuilder(args);

// The same options, core, ledger, DLQ producer and pollers as the standalone host, validated at start-up.
builder.Services.AddTelemetryPipeline(builder.Configuration);

var openTelemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

// A local run has no Application Insights resource, and the exporter refuses to start without one; the ledger
// still records every minute.
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    openTelemetry.UseAzureMonitorExporter();
}

// Our meters and views only: the exporter above is the one Azure Monitor exporter.
openTelemetry.AddTelemetryExport();

builder.Build().Run();
