using System.Net;
using System.Security.Cryptography;
using System.Text;
using PrisonerReleaseTracker.Domain.Changes;
using PrisonerReleaseTracker.Domain.Releases;
using PrisonerReleaseTracker.Domain.Webhooks;

namespace PrisonerReleaseTracker.UnitTests;

public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    [InlineData("172.20.1.1")]
    [InlineData("192.168.1.10")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:0101::1")]
    [InlineData("2001:db8::1")]
    public void An_address_of_this_machine_or_its_network_is_not_public(string address) =>
        Assert.False(AddressRules.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void A_public_address_is_public(string address) => Assert.True(AddressRules.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void A_signature_is_the_base64_hmac_of_id_timestamp_and_body_under_the_secrets_key()
    {
        var secret = WebhookSecret.Generate();
        var body = "{\"type\":\"release.decided\"}"u8.ToArray();

        var signature = WebhookSecret.Sign(WebhookSecret.KeyOf(secret), "msg_1", 1769342400, body);

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("msg_1.1769342400." + Encoding.UTF8.GetString(body)));
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, key.Length);
        Assert.Equal("v1," + Convert.ToBase64String(expected), signature);
    }

    [Theory]
    [InlineData(1, 100, 50, 100)]
    [InlineData(2, 200, 100, 200)]
    [InlineData(4, 800, 400, 800)]
    [InlineData(30, 1000, 500, 1000)]
    public void The_wait_doubles_each_round_up_to_the_cap_and_keeps_between_half_and_all_of_it(int round, double full, double low, double high)
    {
        var baseDelay = TimeSpan.FromMilliseconds(100);
        var cap = TimeSpan.FromMilliseconds(1000);

        var shortest = DeliveryBackoff.Next(round, baseDelay, cap, 0);
        var longest = DeliveryBackoff.Next(round, baseDelay, cap, 0.999999);

        Assert.Equal(low, shortest.TotalMilliseconds, 1);
        Assert.Equal(high, longest.TotalMilliseconds, 1);
        Assert.True(full >= longest.TotalMilliseconds - 1);
    }

    [Fact]
    public void A_delivery_whose_next_round_falls_past_its_maximum_age_fails_for_good()
    {
        var delivery = WebhookDelivery.Enqueue(Guid.NewGuid(), 7, Now);

        delivery.Failed(500, "HTTP 500", 2, Now.AddMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        var afterFirst = (delivery.Status, delivery.NextAttemptAt);
        delivery.Failed(null, "Timed out", 1, Now.AddMinutes(40), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));

        Assert.Equal((WebhookDeliveryStatus.Pending, Now.AddMinutes(31)), afterFirst);
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal("Timed out", delivery.LastError);
    }

    [Fact]
    public void A_redelivery_keeps_the_message_id_and_starts_a_new_maximum_age()
    {
        var delivery = WebhookDelivery.Enqueue(Guid.NewGuid(), 7, Now);
        var id = delivery.MessageId;
        delivery.Failed(500, "HTTP 500", 1, Now.AddHours(2), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

        delivery.Redeliver(Now.AddHours(3));

        Assert.Equal(id, delivery.MessageId);
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.False(delivery.IsExpired(Now.AddHours(3.5), TimeSpan.FromHours(1)));
        Assert.True(delivery.IsExpired(Now.AddHours(4.5), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_disabled_subscription_keeps_the_reason_it_was_first_disabled_for()
    {
        var subscription = WebhookSubscription.Create(new Uri("https://partner.example.org/hooks"), [], null, "Foro", Guid.NewGuid(), "protected", Now);

        subscription.Disable("gone", Now);
        subscription.Disable("again", Now.AddHours(1));

        Assert.Equal(WebhookStatus.Disabled, subscription.Status);
        Assert.Equal(("gone", Now), (subscription.DisabledReason, subscription.DisabledAt));
    }

    [Fact]
    public void After_a_rotation_both_secrets_sign_until_the_overlap_ends()
    {
        var subscription = WebhookSubscription.Create(new Uri("https://partner.example.org/hooks"), [], null, "Foro", Guid.NewGuid(), "old", Now);

        subscription.RotateSecret("new", Now, TimeSpan.FromDays(1));

        Assert.Equal(["new", "old"], subscription.SigningSecrets(Now.AddHours(23)));
        Assert.Equal(["new"], subscription.SigningSecrets(Now.AddHours(25)));
    }

    [Theory]
    [InlineData("Release.Decided", "Release", "Decided", true)]
    [InlineData("Release.Decided", "Release", "Created", false)]
    [InlineData("Claim.*", "Claim", "Superseded", true)]
    [InlineData("*.Created", "Source", "Created", true)]
    [InlineData("*.Created", "Source", "Updated", false)]
    public void A_filter_matches_its_kind_and_action(string code, string entityType, string action, bool matches) =>
        Assert.Equal(matches, WebhookSubscription.Wants([code], Enum.Parse<ChangeEntityType>(entityType), Enum.Parse<ChangeAction>(action)));

    [Theory]
    [InlineData("release.Decided")]
    [InlineData("Release")]
    [InlineData("Release.7")]
    [InlineData("ApiKey.Revoked")]
    public void A_filter_code_must_name_a_kind_and_an_action(string code) => Assert.False(WebhookEventFilter.TryParse(code, out _));

    [Fact]
    public void No_filter_means_every_change() => Assert.True(WebhookSubscription.Wants([], ChangeEntityType.Import, ChangeAction.Imported));

    [Fact]
    public void A_unit_of_work_gives_one_change_per_record_the_strongest()
    {
        var release = Guid.NewGuid();
        var claim = Guid.NewGuid();

        var merged = ChangeDraft.OnePerRecord(
        [
            new(ChangeEntityType.Release, release, ChangeAction.Updated),
            new(ChangeEntityType.Release, release, ChangeAction.Decided, VerificationStatus.Verified),
            new(ChangeEntityType.Claim, claim, ChangeAction.Created),
            new(ChangeEntityType.Claim, claim, ChangeAction.Updated),
        ]);

        Assert.Equal(
            [(ChangeEntityType.Release, ChangeAction.Decided, (VerificationStatus?)VerificationStatus.Verified), (ChangeEntityType.Claim, ChangeAction.Created, null)],
            merged.Select(c => (c.EntityType, c.Action, c.Status)));
    }
}
