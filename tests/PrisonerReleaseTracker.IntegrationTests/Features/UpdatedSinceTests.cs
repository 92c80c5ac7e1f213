using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary><c>updatedSince</c> on the lists: what was created or changed since an instant, as the change feed says.</summary>
public sealed class UpdatedSinceTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_list_of_the_record_answers_what_was_created_or_changed_since_the_instant_and_nothing_older()
    {
        var organization = "Since " + Guid.NewGuid();
        var contributor = await api.ClientAsync(Role.Contributor, organization);
        var verifier = await api.ClientAsync(Role.Verifier, "Since Verifiers " + Guid.NewGuid());
        using var admin = api.Admin();

        // Before the instant: one of each, and the records that will change after it.
        var (oldPerson, _, oldRelease) = await Records.ReleasedPersonAsync(contributor);
        var (changedPerson, _, decidedRelease) = await Records.ReleasedPersonAsync(contributor);
        var oldFacility = await Records.FacilityAsync(contributor);
        var oldSource = (await contributor.PostOkAsync("/api/v1/sources", new { url = $"https://example.org/{Guid.NewGuid():N}", kind = "NgoReport" })).Id();
        var oldClaim = (await contributor.PostOkAsync("/api/v1/claims", Claim())).Id();
        var retractedClaim = (await contributor.PostOkAsync("/api/v1/claims", Claim())).Id();
        var (_, oldKey, _) = await api.KeyAsync(Role.Researcher, organization);
        var (_, revokedKey, _) = await api.KeyAsync(Role.Researcher, organization);
        var oldList = (await contributor.PostOkAsync("/api/v1/lists", NamedList())).Id();
        var uploadedList = (await contributor.PostOkAsync("/api/v1/lists", NamedList())).Id();

        var since = Instant();
        await Task.Delay(5, Ct);

        // After it: new records, and changes of each kind to older ones.
        var newFacility = await Records.FacilityAsync(contributor);
        var newSource = (await contributor.PostOkAsync("/api/v1/sources", new { url = $"https://example.org/{Guid.NewGuid():N}", kind = "NgoReport" })).Id();
        var newClaim = (await contributor.PostOkAsync("/api/v1/claims", Claim())).Id();
        await contributor.PostOkAsync($"/api/v1/claims/{retractedClaim}/retraction", new { note = "Withdrawn." });
        (await Records.DecideAsync(verifier, decidedRelease, "Verified", "2026-01-11T10:00:00Z")).EnsureSuccessStatusCode();
        await RenameAsync(contributor, changedPerson);
        var importedName = $"Importada {Guid.NewGuid():N}";
        using (var csv = new StringContent($"fullName,nationalities\n{importedName},VE\n", Encoding.UTF8, "text/csv"))
        {
            (await contributor.PostAsync("/api/v1/imports", csv, Ct)).EnsureSuccessStatusCode();
        }

        var imported = Assert.Single(await contributor.AllItemsAsync($"/api/v1/detainees?q={Uri.EscapeDataString(importedName)}")).Id();
        var (_, newKey, _) = await api.KeyAsync(Role.Researcher, organization);
        var newList = (await contributor.PostOkAsync("/api/v1/lists", NamedList())).Id();
        using (var entries = new StringContent("fullName\nNadie Since\n", Encoding.UTF8, "text/csv"))
        {
            (await contributor.PostAsync($"/api/v1/lists/{uploadedList}/entries", entries, Ct)).EnsureSuccessStatusCode();
        }
        (await admin.DeleteAsync($"/api/v1/api-keys/{revokedKey}", Ct)).EnsureSuccessStatusCode();

        var query = "updatedSince=" + Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture));
        await AnswersAsync(contributor, $"/api/v1/facilities?limit=500&{query}", changed: [newFacility], unchanged: [oldFacility]);
        await AnswersAsync(contributor, $"/api/v1/sources?limit=500&{query}", changed: [newSource], unchanged: [oldSource]);
        await AnswersAsync(contributor, $"/api/v1/claims?limit=500&{query}", changed: [newClaim, retractedClaim], unchanged: [oldClaim]);
        await AnswersAsync(contributor, $"/api/v1/releases?limit=500&{query}", changed: [decidedRelease], unchanged: [oldRelease]);
        // A person renamed, and one created by an import (one item of the feed for the whole file), not one left alone.
        await AnswersAsync(contributor, $"/api/v1/detainees?limit=500&{query}", changed: [changedPerson, imported], unchanged: [oldPerson]);
        await AnswersAsync(admin, $"/api/v1/api-keys?limit=500&{query}", changed: [newKey, revokedKey], unchanged: [oldKey]);
        await AnswersAsync(contributor, $"/api/v1/lists?limit=500&{query}", changed: [newList, uploadedList], unchanged: [oldList]);

        // Without it, the lists answer everything as before.
        await AnswersAsync(contributor, "/api/v1/facilities?limit=500", changed: [newFacility, oldFacility], unchanged: []);
    }

    [Fact]
    public async Task An_updatedSince_that_is_not_an_instant_is_a_400_naming_it()
    {
        var researcher = await api.ClientAsync(Role.Researcher, "Since Bad " + Guid.NewGuid());

        foreach (var bad in new[] { "yesterday", "2026-13-01T00:00:00Z", "1767225600" })
        {
            var response = await researcher.GetAsync($"/api/v1/releases?updatedSince={bad}", Ct);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("updatedSince", (await response.ReadObjectAsync())["errors"]!.AsObject().Select(e => e.Key));
        }
    }

    [Fact]
    public async Task Every_paged_list_of_the_document_takes_updatedSince_or_is_named_here_with_its_reason()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(OpenApiTests.RepositoryRoot(), "docs", "openapi.json"), Ct))!;
        // Lists that page with a cursor but are not lists of records that change: each has its own way to read what is new.
        var without = new Dictionary<string, string>
        {
            ["/api/v1/changes"] = "the change feed itself: its cursor is the instant",
            ["/api/v1/audit"] = "append-only: `from` selects by time",
            ["/api/v1/webhooks"] = "a partner's own subscriptions, a few per organization, read whole",
            ["/api/v1/webhooks/{id}/deliveries"] = "delivery state, filtered by status",
            ["/api/v1/lists/{id}/entries"] = "a list's entries as published, never edited: a match decided on one is the list's Decided item in the feed",
            ["/api/v1/tallies"] = "published tallies are never edited: a new one has the next number, in the order of the list",
        };

        var lists = document["paths"]!.AsObject()
            .Where(path => path.Value!["get"]?["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "cursor") == true)
            .ToDictionary(path => path.Key, path => path.Value!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList());

        Assert.Contains("/api/v1/detainees", lists.Keys);
        Assert.All(lists.Where(list => !without.ContainsKey(list.Key)), list => Assert.Contains("updatedSince", list.Value));
        Assert.All(without.Keys, path => Assert.DoesNotContain("updatedSince", lists.GetValueOrDefault(path) ?? []));
    }

    private static DateTimeOffset Instant()
    {
        // The feed keeps microseconds: a whole millisecond, rounded up, is after every write that has answered.
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond) + TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private static object Claim() => new
    {
        claimant = "Gobierno", claimantKind = "Government", metric = "Releases", statedAt = "2026-01-12T12:00:00Z",
        period = new { from = "2026-01-08", to = "2026-01-12" }, count = new { qualifier = "AtLeast", value = 80 }, originalText = "Más de 80.",
    };

    private static object NamedList() => new
    {
        title = "Since list", claimant = "Ministerio", claimantKind = "Government", statedAt = "2026-01-12T12:00:00Z",
        period = new { from = "2026-01-08", to = "2026-01-12" }, metric = "Releases",
    };

    private static async Task RenameAsync(HttpClient contributor, Guid detainee)
    {
        var read = await contributor.GetAsync($"/api/v1/detainees/{detainee}", Ct);
        var person = await read.ReadObjectAsync();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{detainee}")
        {
            Content = JsonContent.Create(new
            {
                fullName = person["fullName"]!.GetValue<string>() + " Renombrada", gender = person["gender"]!.GetValue<string>(),
                nationalities = new[] { "VE" }, isProtected = false,
            }),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        (await contributor.SendAsync(put, Ct)).EnsureSuccessStatusCode();
    }

    private static async Task AnswersAsync(HttpClient client, string url, Guid[] changed, Guid[] unchanged)
    {
        var ids = (await client.AllItemsAsync(url)).Select(item => item.Id()).ToHashSet();
        Assert.All(changed, id => Assert.True(ids.Contains(id), $"{url} left out {id}, changed since."));
        Assert.All(unchanged, id => Assert.False(ids.Contains(id), $"{url} answered {id}, unchanged since."));
    }
}
