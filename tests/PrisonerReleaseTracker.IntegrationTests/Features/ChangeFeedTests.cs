using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The change feed, and the payloads of the webhooks that carry it.</summary>
public sealed class ChangeFeedTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_kind_of_write_is_one_item_per_record_and_no_payload_carries_a_field_of_a_person()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var organization = "Feed Privacy " + Guid.NewGuid();
        var contributor = await api.ClientAsync(Role.Contributor, organization);
        var verifier = await api.ClientAsync(Role.Verifier, "Feed Privacy Verifiers");
        var (webhook, _) = await contributor.SubscribeAsync(receiver.Url); // every change
        var start = await ChangeFeed.LastSequenceAsync(contributor);
        var secrets = new[] { "Ximena Feedprivacy Quiroga", "La Negra Feedprivacy", "V-99887766", "Notas privadas feedprivacy", "Sótano feedprivacy",
            "conspiración feedprivacy", "1971-03", "Liberada de noche feedprivacy", "Importada Feedprivacy", "Otra Feedprivacy", "Gobierno feedprivacy",
            "claimed feedprivacy", "withdrawn feedprivacy", "https://example.org/feedprivacy" };

        var facility = await Records.FacilityAsync(contributor);
        var home = await Records.FacilityAsync(contributor, "HouseArrest");
        var person = new
        {
            fullName = secrets[0], otherNames = new[] { secrets[1] }, gender = "Female", birthDate = secrets[6], nationalities = new[] { "VE" },
            isProtected = true, nationalId = secrets[2], notes = secrets[3],
        };
        var created = await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct);
        var detainee = (await created.ReadObjectAsync()).Id();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{detainee}") { Content = JsonContent.Create(person with { notes = secrets[3] + " 2" }) })
        {
            put.Headers.IfMatch.Add(created.Headers.ETag!);
            (await contributor.SendAsync(put, Ct)).EnsureSuccessStatusCode();
        }

        var detention = (await contributor.PostOkAsync($"/api/v1/detainees/{detainee}/detentions",
            new { arrestedOn = "2024-08", arrestPlace = secrets[4], facilityId = facility, charges = new[] { secrets[5] } })).Id();
        await contributor.PostOkAsync($"/api/v1/detentions/{detention}/transfers", new { facilityId = home, transferredOn = "2026-01-05" });
        var release = (await contributor.PostOkAsync("/api/v1/releases", new { detentionId = detention, releasedOn = "2026-01-10", kind = "Conditional", note = secrets[7] })).Id();
        (await Records.DecideAsync(verifier, release, "Verified", "2026-01-11T10:00:00Z", secrets[7])).EnsureSuccessStatusCode();
        var source = (await contributor.PostOkAsync("/api/v1/sources", new { url = secrets[13], kind = "NgoReport", title = secrets[0] })).Id();
        object Claim(Guid? supersedes) => new
        {
            claimant = secrets[10], claimantKind = "Government", metric = "Releases", statedAt = "2026-01-12T12:00:00Z",
            period = new { from = "2026-01-08", to = "2026-01-12" }, count = new { qualifier = "AtLeast", value = 80 }, originalText = secrets[11],
            supersedesClaimId = supersedes,
        };
        var claim = (await contributor.PostOkAsync("/api/v1/claims", Claim(null))).Id();
        var revision = (await contributor.PostOkAsync("/api/v1/claims", Claim(claim))).Id();
        await contributor.PostOkAsync($"/api/v1/claims/{revision}/retraction", new { note = secrets[12] });
        using var csv = new StringContent($"fullName,nationalId,notes\n{secrets[8]},{secrets[2]}-2,{secrets[3]}\n", Encoding.UTF8, "text/csv");
        var import = (await (await contributor.PostAsync("/api/v1/imports", csv, Ct)).ReadObjectAsync())["importId"]!.GetValue<Guid>();

        (Guid Id, string Action)[] expected =
        [
            (facility, "Created"), (home, "Created"), (detainee, "Created"), (detainee, "Updated"), (detention, "Created"), (detention, "Updated"),
            (release, "Created"), (release, "Decided"), (source, "Created"), (claim, "Created"), (revision, "Created"), (claim, "Superseded"),
            (revision, "Retracted"), (import, "Imported"),
        ];
        var ours = expected.Select(e => e.Id).ToHashSet();
        var messages = await receiver.WaitForAllAsync(m => ours.Contains(m.EntityId),
            found => expected.All(e => found.Any(m => m.EntityId == e.Id && m.Action == e.Action)));
        var feed = await ChangeFeed.ReadAsync(contributor, start, item => ours.Contains(item["entityId"]!.GetValue<Guid>()));
        var detaineeRead = await contributor.GetAsync($"/api/v1/detainees/{detainee}", Ct);

        Assert.All(expected, e => Assert.Contains(feed, item => item["entityId"]!.GetValue<Guid>() == e.Id && item["action"]!.GetValue<string>() == e.Action));
        Assert.Equal(feed.Count, feed.Select(i => i["sequence"]!.GetValue<long>()).Distinct().Count());
        Assert.Equal(feed.Select(i => i["sequence"]!.GetValue<long>()).Order(), feed.Select(i => i["sequence"]!.GetValue<long>()));
        Assert.Equal(
            ["Claim", "Detainee", "Detention", "Facility", "Import", "Release", "Source"],
            feed.Select(i => i["entityType"]!.GetValue<string>()).Distinct().Order());
        // A decision is one item (the release's), with its new status in the payload only.
        var decided = Assert.Single(messages, m => m.EntityId == release && m.Action == "Decided");
        Assert.Equal("Verified", decided.Data["status"]!.GetValue<string>());
        Assert.Equal(detaineeRead.Headers.ETag!.Tag, feed.Last(i => i["entityId"]!.GetValue<Guid>() == detainee)["etag"]!.GetValue<string>());
        var imported = Assert.Single(feed, i => i["action"]!.GetValue<string>() == "Imported");
        Assert.Equal(1, imported["counts"]!["detaineesCreated"]!.GetValue<int>());
        Assert.Single(messages, m => m.Data["sequence"]!.GetValue<long>() == imported["sequence"]!.GetValue<long>());

        var payloads = messages.Select(m => m.Body).Concat(feed.Select(i => i.ToJsonString())).ToList();
        Assert.All(payloads, body =>
        {
            Assert.All(ChangeFeed.Names(JsonNode.Parse(body)!), name => Assert.Contains(name, ChangeFeed.AllowedNames));
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase));
        });
        await contributor.DeleteAsync(webhook);
    }

    [Fact]
    public async Task A_reader_following_the_cursor_under_concurrent_writers_sees_every_change_exactly_once()
    {
        var contributor = await api.ClientAsync(Role.Contributor, "Feed Writers " + Guid.NewGuid());
        var start = await ChangeFeed.LastSequenceAsync(contributor);
        var written = new ConcurrentBag<Guid>();
        var seen = new List<JsonObject>();
        var cursor = start;

        // A writer that has taken its place in the feed (under the audit lock) and holds its transaction open: no reader
        // may see anything after it until it commits, and nothing may slip in before it.
        using var scope = api.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var held = Facility.Create("Held " + Guid.NewGuid(), FacilityKind.Prison, null, null, "VE", "Feed Writers", DateTimeOffset.UtcNow);
        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            db.Facilities.Add(held);
            await db.SaveChangesAsync(Ct);
            var blocked = Enumerable.Range(0, 4).Select(_ => Task.Run(async () => written.Add(await Records.FacilityAsync(contributor)), Ct)).ToList();
            await Task.Delay(300, Ct);
            var whileHeld = await ChangeFeed.ReadAsync(contributor, cursor, _ => true);
            Assert.DoesNotContain(whileHeld, i => i["entityId"]!.GetValue<Guid>() == held.Id || written.Contains(i["entityId"]!.GetValue<Guid>()));
            Assert.Empty(written); // they wait for the lock
            await transaction.CommitAsync(Ct);
            await Task.WhenAll(blocked);
        }

        written.Add(held.Id);
        var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                written.Add(await Records.FacilityAsync(contributor));
            }
        }, Ct)).ToList();
        var allWritten = Task.WhenAll(writers);
        while (true)
        {
            var done = allWritten.IsCompleted;
            var page = await contributor.GetOkAsync($"/api/v1/changes?limit=7&entityType=Facility{ChangeFeed.CursorAfter(cursor)}");
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            seen.AddRange(items);
            cursor = items.Count > 0 ? items[^1]["sequence"]!.GetValue<long>() : cursor;
            if (done && page["nextCursor"] is null)
            {
                break;
            }
        }

        await allWritten;
        var sequences = seen.Select(i => i["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        var ids = seen.Select(i => i["entityId"]!.GetValue<Guid>()).ToList();
        Assert.Equal(4 + 1 + (6 * 12), written.Count);
        Assert.All(written, id => Assert.Single(ids, seenId => seenId == id));
    }

    [Fact]
    public async Task The_feed_filters_by_kind_of_record_and_refuses_what_it_did_not_issue()
    {
        var contributor = await api.ClientAsync(Role.Contributor, "Feed Filters " + Guid.NewGuid());
        await Records.FacilityAsync(contributor);

        var claims = await contributor.GetOkAsync("/api/v1/changes?entityType=Facility&limit=500");
        var badCursor = await contributor.GetAsync("/api/v1/changes?cursor=abc", Ct);
        var negative = await contributor.GetAsync("/api/v1/changes?cursor=-1", Ct);
        var badLimit = await contributor.GetAsync("/api/v1/changes?limit=0", Ct);
        var badType = await contributor.GetAsync("/api/v1/changes?entityType=ApiKey", Ct);

        Assert.NotEmpty(claims["items"]!.AsArray());
        Assert.All(claims["items"]!.AsArray(), i => Assert.Equal("Facility", i!["entityType"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
    }
}
