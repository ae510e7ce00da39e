using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telemetry.Functions.Ingestion;

var builder = FunctionsApplication.CreateBuilder(args);

// Options (validated at start-up), core, ledger, DLQ producer, keyed pollers and our meters: everything the function
// classes are constructed with, resolved by tests/Telemetry.Host.Tests/FunctionsApp without the worker packages. It
// also adds OTLP (OTEL_EXPORTER_OTLP_ENDPOINT) and the Prometheus endpoint (Prometheus:Port), each off unless set.
builder.Services.AddTelemetryFunctionsApp(builder.Configuration);

// The trigger's security is compiled in (KafkaTriggerSecurity); a Kafka:SecurityProtocol or Kafka:SaslMechanism
// that says otherwise stops the start, naming the setting, rather than the trigger and the DLQ producer disagreeing.
builder.Services.AddKafkaTriggerBuild(KafkaTriggerSecurity.Name, KafkaTriggerSecurity.SecurityProtocolSetting, KafkaTriggerSecurity.SaslMechanismSetting);

var openTelemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

// A local run has no Application Insights resource, and the exporter refuses to start without one; the ledger
// still records every minute.
// With APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Bicep sets "ClientId=<identity>;Authorization=AAD", since the
// Application Insights resource has local auth off) AddTelemetryFunctionsApp has already given the exporter's options a
// ManagedIdentityCredential for that identity (AzureMonitorExporterOptions.Credential), so it sends with an Entra ID
// token; a bad value stops start-up naming the setting.
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    openTelemetry.UseAzureMonitorExporter();
}

builder.Build().Run();
