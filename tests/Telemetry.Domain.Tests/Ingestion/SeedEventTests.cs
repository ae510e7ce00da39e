using System.Text.Json.Nodes;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>Every seed event decodes from its canonical envelope, and is refused, with the right reason, when broken.</summary>
public sealed class SeedEventTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 23, 12, 0, 30, TimeSpan.Zero);

    public static TheoryData<string> Events() => [.. TelemetryCatalog.Default.Events.Select(e => e.Name)];

    public static TheoryData<string, string> Negatives()
    {
        var data = new TheoryData<string, string>();
        foreach (var e in TelemetryCatalog.Default.Events)
        {
            data.Add(e.Name, "wrong_type");
            data.Add(e.Name, "not_json");
            data.Add(e.Name, "wrong_schema_version");
            if (e.Fields.Any(f => f.Required))
            {
                data.Add(e.Name, "missing_field");
            }

            if (e.Fields.Any(f => f.Type is FieldType.Number or FieldType.Integer && f.Minimum >= 0))
            {
                data.Add(e.Name, "out_of_range");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Canonical_envelope_of_every_seed_event_decodes_into_its_metrics(string name)
    {
        var h = new DecoderHarness();
        var json = TelemetrySampleGenerator.Example(name, Time);

        Assert.Equal(EnvelopeError.None, h.Decode(json));
        var definition = h.Event.Definition!;
        Assert.Equal(name, definition.Name);
        Assert.False(definition.IsGeneric);
        Assert.Equal(Time.ToUnixTimeMilliseconds(), h.Event.TimeUnixMs);
        Assert.Equal(1, h.Value(definition.CountMetric.Name));
        // Every number the example carries for a distribution field arrived as an observation of its metric.
        var node = JsonNode.Parse(json)!;
        foreach (var field in definition.Fields.Where(f => f.Metric is not null))
        {
            var present = node["measurements"]?[field.Name] ?? node["metadata"]?[field.Name];
            Assert.Equal(present is not null, h.Value(field.Metric!.Name) is not null);
        }
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Broken_envelope_of_every_seed_event_is_refused_with_its_reason(string name, string breakage)
    {
        var h = new DecoderHarness();
        var definition = TelemetryCatalog.Default.Find(name)!;
        var node = JsonNode.Parse(TelemetrySampleGenerator.Example(name, Time))!.AsObject();
        var expected = breakage switch
        {
            "wrong_type" => EnvelopeError.WrongType,
            "not_json" => EnvelopeError.NotJson,
            "wrong_schema_version" => EnvelopeError.WrongSchemaVersion,
            "missing_field" => EnvelopeError.MissingField,
            _ => EnvelopeError.OutOfRange,
        };

        string json;
        switch (breakage)
        {
            case "wrong_type":
                // A field that must be a scalar gets an object; events without fields get a non-object metadata.
                var field = definition.Fields.FirstOrDefault(f => f.Type != FieldType.Any);
                if (field is null)
                {
                    node["metadata"] = "not an object";
                }
                else
                {
                    Remove(node, field.Name);
                    (node["metadata"] ??= new JsonObject()).AsObject()[field.Name] = new JsonObject { ["nested"] = 1 };
                }

                json = node.ToJsonString();
                break;
            case "not_json":
                json = node.ToJsonString()[..^3];
                break;
            case "wrong_schema_version":
                node["schema"] = 2;
                json = node.ToJsonString();
                break;
            case "missing_field":
                Remove(node, definition.Fields.First(f => f.Required).Name);
                json = node.ToJsonString();
                break;
            default:
                var numeric = definition.Fields.First(f => f.Type is FieldType.Number or FieldType.Integer && f.Minimum >= 0);
                Remove(node, numeric.Name);
                (node["measurements"] ??= new JsonObject()).AsObject()[numeric.Name] = -1;
                json = node.ToJsonString();
                break;
        }

        Assert.Equal(expected, h.Decode(json));
        Assert.False(string.IsNullOrEmpty(h.Event.ErrorMessage));
        Assert.True(h.Event.ErrorMessage!.Length <= 200);
    }

    private static void Remove(JsonObject node, string field)
    {
        (node["measurements"] as JsonObject)?.Remove(field);
        (node["metadata"] as JsonObject)?.Remove(field);
    }
}
