using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// Options (validated at start-up), core, ledger, DLQ producer, keyed pollers and our meters: everything the function
// classes are constructed with, resolved by tests/Telemetry.Host.Tests/FunctionsApp without the worker packages. It
// also adds OTLP (OTEL_EXPORTER_OTLP_ENDPOINT) and the Prometheus endpoint (Prometheus:Port), each off unless set.
builder.Services.AddTelemetryFunctionsApp(builder.Configuration);

var openTelemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

// A local run has no Application Insights resource, and the exporter refuses to start without one; the ledger
// still records every minute.
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    openTelemetry.UseAzureMonitorExporter();
}

builder.Build().Run();
