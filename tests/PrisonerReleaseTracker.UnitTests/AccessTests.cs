using System.Reflection;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Sources;

namespace PrisonerReleaseTracker.UnitTests;

public class AccessTests
{
    private const string SampleKey = "prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE";

    private static readonly DateTimeOffset Now = new(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_issued_key_stores_only_the_hash_and_prefix_of_its_secret()
    {
        var key = ApiKey.Issue("ingest", "Foro Penal", Role.Verifier, Now, out var secret);

        Assert.True(ApiKeySecret.LooksValid(secret));
        Assert.Equal(ApiKeySecret.Hash(secret), key.Hash);
        Assert.Equal(secret[..ApiKeySecret.PrefixLength], key.Prefix);
        Assert.True(ApiKeySecret.Matches(secret, key.Hash));
    }

    [Fact]
    public void No_member_of_an_issued_key_holds_its_secret()
    {
        var key = ApiKey.Issue("ingest", "Foro Penal", Role.Verifier, Now, out var secret);
        const BindingFlags All = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

        var values = typeof(ApiKey).GetProperties(All).Where(p => p.GetIndexParameters().Length == 0).Select(p => p.GetValue(key))
            .Concat(typeof(ApiKey).GetFields(All).Select(f => f.GetValue(key)))
            .ToList();

        Assert.NotEmpty(values);
        Assert.DoesNotContain(values, value => value is string text && text.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void An_issued_key_keeps_its_name_organization_and_role_and_is_active()
    {
        var key = ApiKey.Issue("ingest", "Foro Penal", Role.Contributor, Now, out _);

        Assert.Equal("ingest", key.Name);
        Assert.Equal("Foro Penal", key.Organization);
        Assert.Equal(Role.Contributor, key.Role);
        Assert.Equal(Now, key.CreatedAt);
        Assert.Null(key.RevokedAt);
        Assert.True(key.IsActive);
    }

    [Fact]
    public void Two_issued_keys_have_different_secrets_and_hashes()
    {
        var first = ApiKey.Issue("a", "Foro Penal", Role.Researcher, Now, out var firstSecret);
        var second = ApiKey.Issue("b", "Foro Penal", Role.Researcher, Now, out var secondSecret);

        Assert.NotEqual(firstSecret, secondSecret);
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void A_revoked_key_is_inactive_from_the_moment_of_revocation()
    {
        var key = ApiKey.Issue("ingest", "Foro Penal", Role.Verifier, Now, out _);

        key.Revoke(Now.AddDays(1));

        Assert.Equal(Now.AddDays(1), key.RevokedAt);
        Assert.False(key.IsActive);
    }

    [Fact]
    public void Revoking_a_key_twice_is_refused()
    {
        var key = ApiKey.Issue("ingest", "Foro Penal", Role.Verifier, Now, out _);
        key.Revoke(Now.AddDays(1));

        var refused = Assert.Throws<DomainRuleException>(() => key.Revoke(Now.AddDays(2)));

        Assert.Equal("A revoked key cannot be revoked again", refused.Rule);
        Assert.Equal(Now.AddDays(1), key.RevokedAt);
    }

    [Fact]
    public void A_key_from_a_well_formed_secret_stores_its_hash_and_prefix()
    {
        var key = ApiKey.FromSecret(SampleKey, "bootstrap", "Administrators", Role.Admin, Now);

        Assert.Equal("prt_AbCdEfGh", key.Prefix);
        Assert.Equal(ApiKeySecret.Hash(SampleKey), key.Hash);
        Assert.Equal(Role.Admin, key.Role);
        Assert.Equal("Administrators", key.Organization);
    }

    [Theory]
    [InlineData("")]
    [InlineData("prt_")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEF")]
    [InlineData("abc_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE")]
    [InlineData("prt_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdE")]
    [InlineData("change-me")]
    public void A_key_from_a_malformed_secret_is_refused(string secret)
    {
        var refused = Assert.Throws<DomainRuleException>(() => ApiKey.FromSecret(secret, "bootstrap", "Administrators", Role.Admin, Now));

        Assert.Equal("An API key must have the documented format", refused.Rule);
    }

    [Theory]
    [InlineData(Role.Researcher, Role.Researcher, true)]
    [InlineData(Role.Contributor, Role.Researcher, true)]
    [InlineData(Role.Contributor, Role.Verifier, false)]
    [InlineData(Role.Verifier, Role.Contributor, true)]
    [InlineData(Role.OrganizationAdmin, Role.Verifier, true)]
    [InlineData(Role.OrganizationAdmin, Role.Admin, false)]
    [InlineData(Role.Admin, Role.Researcher, true)]
    [InlineData(Role.Admin, Role.Contributor, false)]
    [InlineData(Role.Admin, Role.Verifier, false)]
    [InlineData(Role.Admin, Role.OrganizationAdmin, false)]
    [InlineData(Role.Admin, Role.Admin, true)]
    [InlineData(Role.Verifier, Role.OrganizationAdmin, false)]
    public void Organizations_roles_include_the_ones_before_them_and_the_operators_role_only_reads_besides_its_own(Role held, Role required, bool granted)
    {
        Assert.Equal(granted, held.Grants(required));
    }

    [Theory]
    [InlineData(Role.Admin, "Operators", "Foro Penal", Role.Verifier, true)]
    [InlineData(Role.Admin, "Operators", "Foro Penal", Role.Admin, true)]
    [InlineData(Role.OrganizationAdmin, "Foro Penal", "Foro Penal", Role.OrganizationAdmin, true)]
    [InlineData(Role.OrganizationAdmin, "Foro Penal", "Foro Penal", Role.Researcher, true)]
    [InlineData(Role.OrganizationAdmin, "Foro Penal", "Foro Penal", Role.Admin, false)]
    [InlineData(Role.OrganizationAdmin, "Foro Penal", "Provea", Role.Researcher, false)]
    [InlineData(Role.OrganizationAdmin, "Foro Penal", "foro penal", Role.Researcher, false)]
    [InlineData(Role.Verifier, "Foro Penal", "Foro Penal", Role.Researcher, false)]
    public void An_operator_manages_every_key_and_an_organization_admin_its_own_organizations_below_operator(
        Role manager, string managerOrganization, string keyOrganization, Role keyRole, bool manages)
    {
        Assert.Equal(manages, KeyManagement.Manages(managerOrganization, manager, keyOrganization, keyRole));
    }

    [Theory]
    [InlineData(Role.Researcher, true)]
    [InlineData(Role.OrganizationAdmin, true)]
    [InlineData(Role.Admin, false)]
    public void Only_an_operators_key_holds_no_record_of_its_own_organization(Role role, bool holds)
    {
        Assert.Equal(holds, Disclosure.Holds("Foro Penal", role, "Foro Penal"));
        Assert.False(Disclosure.Holds("Provea", role, "Foro Penal"));
        Assert.Equal(holds, Disclosure.Identifies("Foro Penal", role, true, "Foro Penal"));
    }

    [Theory]
    [InlineData("http://example.org/report")]
    [InlineData("https://foropenal.com/reporte?fecha=2026-01-24#lista")]
    [InlineData("HTTPS://EXAMPLE.ORG/")]
    public void A_web_address_is_an_acceptable_source_url(string url)
    {
        Assert.True(Source.IsAcceptableUrl(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ftp://example.org/report.pdf")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/releases/1")]
    [InlineData("releases/1")]
    [InlineData("example.org/report")]
    [InlineData("file:///etc/passwd")]
    [InlineData("mailto:press@example.org")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    public void Anything_but_an_absolute_http_or_https_address_is_not_an_acceptable_source_url(string? url)
    {
        Assert.False(Source.IsAcceptableUrl(url));
    }

    [Fact]
    public void Creating_a_source_with_an_unacceptable_url_is_refused()
    {
        var refused = Assert.Throws<DomainRuleException>(
            () => Source.Create("javascript:alert(1)", null, SourceKind.NewsMedia, null, null, "es", "Foro Penal", Now));

        Assert.Equal("A source URL must be http or https", refused.Rule);
    }

    [Fact]
    public void A_source_stores_its_publication_time_in_utc()
    {
        var published = new DateTimeOffset(2026, 1, 24, 20, 0, 0, TimeSpan.FromHours(-4));

        var source = Source.Create(" https://example.org/a ", "Efecto Cocuyo", SourceKind.NewsMedia, "Liberados", published, "es", "Foro Penal", Now);

        Assert.Equal("https://example.org/a", source.Url);
        Assert.Equal(TimeSpan.Zero, source.PublishedAt!.Value.Offset);
        Assert.Equal(published, source.PublishedAt);
    }

    [Theory]
    [InlineData("UK")]
    [InlineData("ve")]
    [InlineData("VEN")]
    [InlineData("")]
    [InlineData("XK")]
    public void A_facility_in_an_invalid_country_is_refused(string country)
    {
        var refused = Assert.Throws<DomainRuleException>(
            () => Facility.Create("El Helicoide", FacilityKind.IntelligenceService, "Caracas", null, country, "Foro Penal", Now));

        Assert.Equal("Country must be an ISO 3166-1 alpha-2 code", refused.Rule);
    }

    [Fact]
    public void A_facility_in_a_valid_country_is_created()
    {
        var facility = Facility.Create(" Rodeo I ", FacilityKind.Prison, "Guatire", "Miranda", "VE", "Foro Penal", Now);

        Assert.Equal("Rodeo I", facility.Name);
        Assert.Equal("VE", facility.Country);
        Assert.Equal(FacilityKind.Prison, facility.Kind);
        Assert.False(facility.IsHouseArrest);
    }
}
