using Azure.Data.Tables;
using Telemetry.Ledger.Storage;
using Xunit;

namespace Telemetry.Ledger.Tests.Storage;

/// <summary>Azurite does not enforce these limits; the ledger must, before anything is sent.</summary>
public sealed class TableServiceRulesTests
{
    private static TableTransactionAction Upsert(string pk, string rk, int payloadBytes = 10) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, rk) { ["Payload"] = new byte[payloadBytes] });

    [Fact]
    public void A_transaction_may_not_mix_partition_keys()
    {
        var ex = Assert.Throws<LedgerRuleViolationException>(() =>
            new PlannedTransaction("a", [Upsert("a", "1"), Upsert("b", "2")], [100, 100]));
        Assert.Contains("PartitionKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transaction_holds_at_most_100_entities_and_packing_splits_larger_ones()
    {
        Assert.Throws<LedgerRuleViolationException>(() =>
            new PlannedTransaction("a", Enumerable.Range(0, 101).Select(i => Upsert("a", i.ToString("D3"))).ToList(), Enumerable.Repeat(100, 101).ToList()));
        var packed = PlannedTransaction.Pack("a", Enumerable.Range(0, 250).Select(i => Upsert("a", i.ToString("D3"))));
        Assert.Equal([100, 100, 50], packed.Select(t => t.Actions.Count));
    }

    [Fact]
    public void A_transaction_holds_at_most_4_MiB_and_packing_splits_by_size()
    {
        // 20 entities of 5 × 60 KiB ≈ 300 KiB each: 6 MiB in all, so two transactions although only 20 entities.
        var big = Enumerable.Range(0, 20).Select(i =>
        {
            var e = new TableEntity("a", i.ToString("D3"));
            for (var p = 0; p < 5; p++)
            {
                e["P" + p] = new byte[60 * 1024];
            }

            return new TableTransactionAction(TableTransactionActionType.UpsertReplace, e);
        }).ToList();
        var packed = PlannedTransaction.Pack("a", big);
        Assert.True(packed.Count >= 2);
        Assert.Equal(20, packed.Sum(t => t.Actions.Count));
        Assert.Throws<LedgerRuleViolationException>(() => new PlannedTransaction("a", big, Enumerable.Repeat(310 * 1024, 20).ToList()));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u0085b")]
    public void Keys_with_forbidden_characters_are_refused(string key)
    {
        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack(key, [Upsert(key, "r")]));
        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack("p", [Upsert("p", key)]));
    }

    [Fact]
    public void Keys_over_1_KiB_are_refused()
    {
        var key = new string('k', KeyEncoding.MaxKeyChars + 1);
        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack("p", [Upsert("p", key)]));
    }

    [Fact]
    public void Entities_over_252_properties_or_1_MiB_or_64_KiB_per_property_are_refused()
    {
        var wide = new TableEntity("p", "r");
        for (var i = 0; i < 253; i++)
        {
            wide["P" + i] = i;
        }

        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack("p", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, wide)]));

        var heavy = new TableEntity("p", "r");
        for (var i = 0; i < 17; i++)
        {
            heavy["P" + i] = new byte[64 * 1024];
        }

        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack("p", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, heavy)]));
        Assert.Throws<LedgerRuleViolationException>(() => PlannedTransaction.Pack("p", [Upsert("p", "r", (64 * 1024) + 1)]));
    }
}
