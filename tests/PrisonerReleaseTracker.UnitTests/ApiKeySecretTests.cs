using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.UnitTests;

public class ApiKeySecretTests
{
    private const string SampleKey = "prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE";

    [Fact]
    public void A_generated_key_is_the_marker_and_43_url_safe_characters()
    {
        var key = ApiKeySecret.Generate();

        Assert.Matches("^prt_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(ApiKeySecret.Length, key.Length);
    }

    [Fact]
    public void A_generated_key_looks_valid()
    {
        Assert.True(ApiKeySecret.LooksValid(ApiKeySecret.Generate()));
    }

    [Fact]
    public void Two_generated_keys_differ()
    {
        Assert.NotEqual(ApiKeySecret.Generate(), ApiKeySecret.Generate());
    }

    [Fact]
    public void The_prefix_is_the_first_12_characters()
    {
        Assert.Equal("prt_AbCdEfGh", ApiKeySecret.PrefixOf(SampleKey));
    }

    [Fact]
    public void The_prefix_of_a_generated_key_starts_with_the_marker_and_fits_the_column()
    {
        var prefix = ApiKeySecret.PrefixOf(ApiKeySecret.Generate());

        Assert.StartsWith("prt_", prefix, StringComparison.Ordinal);
        Assert.Equal(ApiKeySecret.PrefixLength, prefix.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("prt_")]
    [InlineData("prt_AbCdEfG")]
    public void The_prefix_of_a_key_shorter_than_the_prefix_is_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => ApiKeySecret.PrefixOf(key));
    }

    [Fact]
    public void The_hash_is_64_lower_case_hex_characters()
    {
        Assert.Matches("^[0-9a-f]{64}$", ApiKeySecret.Hash(SampleKey));
    }

    [Fact]
    public void The_hash_is_stable()
    {
        Assert.Equal(ApiKeySecret.Hash(SampleKey), ApiKeySecret.Hash(SampleKey));
    }

    [Fact]
    public void The_hash_is_sha256_of_the_utf8_key()
    {
        // Known SHA-256 of "abc", so a change of algorithm or encoding cannot pass unnoticed.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeySecret.Hash("abc"));
    }

    [Fact]
    public void A_key_matches_its_own_hash()
    {
        var key = ApiKeySecret.Generate();

        Assert.True(ApiKeySecret.Matches(key, ApiKeySecret.Hash(key)));
    }

    [Fact]
    public void Another_key_does_not_match_the_hash()
    {
        var stored = ApiKeySecret.Hash(ApiKeySecret.Generate());

        Assert.False(ApiKeySecret.Matches(ApiKeySecret.Generate(), stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not hex at all")]
    [InlineData("ba7816bf")]
    [InlineData("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void A_malformed_stored_hash_matches_nothing(string storedHash)
    {
        Assert.False(ApiKeySecret.Matches("abc", storedHash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("prt_")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEF")]
    [InlineData("PRT_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE")]
    [InlineData("abc_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdE")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abc=")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 _abcdE")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdé")]
    public void A_key_of_the_wrong_shape_does_not_look_valid(string? key)
    {
        Assert.False(ApiKeySecret.LooksValid(key));
    }

    [Fact]
    public void A_key_of_the_right_shape_looks_valid()
    {
        Assert.True(ApiKeySecret.LooksValid(SampleKey));
    }
}
