using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Tallies;

namespace PrisonerReleaseTracker.UnitTests;

public sealed class TallyFormatTests
{
    [Fact]
    public void Canonical_json_sorts_members_by_utf16_code_units_escapes_only_what_json_requires_and_writes_no_whitespace()
    {
        var value = JsonNode.Parse("""{ "b": 1, "a": [ true, null, "é\u0001\n/" ], "€": -0, "\r": 20.0 }""");

        Assert.Equal("{\"\\r\":20,\"a\":[true,null,\"é\\u0001\\n/\"],\"b\":1,\"€\":0}", CanonicalJson.ToText(value));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("9007199254740993")]
    public void Canonical_json_refuses_a_number_that_is_not_a_safe_integer(string number) =>
        Assert.Throws<NotSupportedException>(() => CanonicalJson.ToText(JsonNode.Parse(number)));

    [Fact]
    public void A_row_hash_does_not_depend_on_the_order_its_members_were_written_in()
    {
        var written = TallyFormat.Row("00ff", new DateOnly(2026, 1, 8), "Verified", ("gender", "Female"));
        var reordered = JsonNode.Parse("""{"gender":"Female","status":"Verified","releasedOn":"2026-01-08","token":"00ff"}""")!.AsObject();

        Assert.Equal(TallyFormat.RowHash(written), TallyFormat.RowHash(reordered));
        Assert.Equal(CanonicalJson.Sha256(new JsonArray("a", "b")), TallyFormat.InputsDigest(["a", "b"]));
        Assert.NotEqual(TallyFormat.InputsDigest(["a", "b"]), TallyFormat.InputsDigest(["b", "a"]));
    }

    [Fact]
    public void A_token_is_the_same_within_a_tally_and_different_across_tallies()
    {
        var release = Guid.NewGuid();
        var (one, other) = (TallyFormat.NewKey(), TallyFormat.NewKey());

        Assert.Equal(TallyFormat.Token(one, release), TallyFormat.Token(one, release));
        Assert.NotEqual(TallyFormat.Token(one, release), TallyFormat.Token(other, release));
        Assert.Equal(TallyFormat.TokenLength, TallyFormat.Token(one, release).Length);
    }
}
