using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Published tallies: frozen, cited, checked. Each test counts releases in a period of its own
/// (<see cref="ApiFixture.OwnPeriod"/>), so the tallies it publishes count only what it made.
/// </summary>
public sealed class TalliesTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Iso(DateTimeOffset at) => KnownAtTests.Iso(at);

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed record Released(Guid Person, Guid Release);

    private static async Task<Released> ReleaseOnAsync(HttpClient contributor, Guid facility, DateOnly day, string nationality = "VE", bool isProtected = false)
    {
        var person = await Records.DetaineeAsync(contributor, nationalities: [nationality], isProtected: isProtected);
        var detention = await Records.DetentionAsync(contributor, person, facility, arrestedOn: (day.Year - 1).ToString(CultureInfo.InvariantCulture));
        return new Released(person, await Records.ReleaseAsync(contributor, detention, $"{day:yyyy-MM-dd}"));
    }

    private static async Task DecideOkAsync(HttpClient verifier, Guid release, string status, DateTimeOffset at)
    {
        var response = await Records.DecideAsync(verifier, release, status, Iso(at), "reason given");
        Assert.True(response.IsSuccessStatusCode, $"{status} refused: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static Task<JsonObject> PublishAsync(HttpClient verifier, DateOnly from, DateOnly to, DateTimeOffset asOf, string? groupBy = null,
        long? supersedes = null, string? verifiedBy = null) =>
        verifier.PostOkAsync("/api/v1/tallies", new JsonObject
        {
            ["title"] = "Releases verified", ["from"] = $"{from:yyyy-MM-dd}", ["to"] = $"{to:yyyy-MM-dd}", ["asOf"] = Iso(asOf),
            ["groupBy"] = groupBy, ["supersedes"] = supersedes, ["verifiedBy"] = verifiedBy, ["note"] = "for the test",
        });

    private static int Verified(JsonNode tally) => tally["answer"]!["releases"]!["verified"]!.GetValue<int>();

    [Fact]
    public async Task A_published_tally_is_cited_and_its_digests_check_against_its_own_inputs()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Tally NGO");
        var organization = $"Tally Verifiers {Guid.NewGuid():N}"[..30];
        using var verifier = await api.ClientAsync(Role.Verifier, organization);
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var facility = await Records.FacilityAsync(contributor);
        var released = new List<Released>();
        for (var i = 0; i < 4; i++)
        {
            released.Add(await ReleaseOnAsync(contributor, facility, start.AddDays(i), i % 2 == 0 ? "VE" : "CO"));
        }

        await DecideOkAsync(verifier, released[0].Release, "Verified", Noon(start.AddDays(1)));
        await DecideOkAsync(verifier, released[1].Release, "Verified", Noon(start.AddDays(2)));
        await DecideOkAsync(verifier, released[2].Release, "Disputed", Noon(start.AddDays(3)));

        var response = await verifier.PostAsJsonAsync("/api/v1/tallies", new
        {
            title = "Releases verified", from = $"{start:yyyy-MM-dd}", to = $"{start.AddDays(9):yyyy-MM-dd}", asOf = Iso(Noon(start.AddDays(20))),
            groupBy = "nationality",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadObjectAsync();
        var number = created["number"]!.GetValue<long>();
        var tally = await anonymous.GetOkAsync($"/api/v1/tallies/{number}");
        var inputs = await anonymous.GetOkAsync($"/api/v1/tallies/{number}/inputs");
        var csv = await anonymous.GetAsync($"/api/v1/tallies/{number}/inputs?format=csv", Ct);
        var listed = await anonymous.AllItemsAsync($"/api/v1/tallies?organization={Uri.EscapeDataString(organization)}");

        Assert.Equal(response.Headers.Location, new Uri(tally["url"]!.GetValue<string>()));
        Assert.Equal(tally.ToJsonString(), created.ToJsonString());
        Assert.Equal(2, Verified(tally));
        Assert.Equal(1, tally["answer"]!["releases"]!["disputed"]!.GetValue<int>());
        Assert.Equal(1, tally["answer"]!["releases"]!["reported"]!.GetValue<int>());
        Assert.Equal([("CO", 1), ("VE", 1)], tally["answer"]!["breakdown"]!.AsArray()
            .Select(b => (b!["key"]!.GetValue<string>(), b["verified"]!.GetValue<int>())).Order().ToList());
        var knownAt = tally["knownAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(knownAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        var citation = tally["citation"]!.GetValue<string>();
        Assert.StartsWith($"PrisonerReleaseTracker tally {number}, published by {organization}: 2 verified releases, "
            + $"{start.Day}-{start.AddDays(9).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}, as of "
            + $"{start.AddDays(20).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} 12:00 UTC, known at ", citation);
        Assert.EndsWith($"sha256 {tally["answerDigest"]!.GetValue<string>()[..12]}…", citation);

        // Anyone can check the digests with the inputs alone: each row's hash, then the hash of the array of hashes.
        Assert.Equal(tally["answerDigest"]!.GetValue<string>(), Sha256(tally["canonicalAnswer"]!.GetValue<string>()));
        var rows = inputs["rows"]!.AsArray();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row => Assert.Equal(row!["rowHash"]!.GetValue<string>(), Sha256(row["row"]!.GetValue<string>())));
        var hashes = rows.Select(row => row!["rowHash"]!.GetValue<string>()).ToList();
        Assert.Equal(tally["inputsDigest"]!.GetValue<string>(), Sha256("[" + string.Join(',', hashes.Select(h => $"\"{h}\"")) + "]"));
        Assert.Equal(2, rows.Count(row => row!["status"]!.GetValue<string>() == "Verified"));
        Assert.Equal(4, rows.Select(row => row!["token"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("token,releasedOn,status,nationality,rowHash", lines[0].TrimEnd('\r'));
        Assert.Equal(5, lines.Length);
        Assert.Contains(listed, t => t!["number"]!.GetValue<long>() == number);

        // The publication is an entry of the audit log, at the moment of publication.
        using var admin = api.Admin();
        var published = await admin.AllItemsAsync($"/api/v1/audit?entityType=Tally&from={Uri.EscapeDataString(Iso(knownAt.AddSeconds(-1)))}");
        Assert.Contains(published, e => e!["organization"]!.GetValue<string>() == organization && e["at"]!.GetValue<DateTimeOffset>() == knownAt);

        var check = await anonymous.GetOkAsync($"/api/v1/tallies/{number}/check");
        Assert.True(check["reproduces"]!.GetValue<bool>(), check.ToJsonString());
        Assert.All(check["changedSince"]!.AsArray(), change => Assert.Equal(0, change!["added"]!.GetValue<int>() + change["removed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_tally_still_reproduces_after_every_kind_of_later_write_and_its_check_lists_exactly_what_changed()
    {
        var m = Guid.NewGuid().ToString("N")[..8];
        using var holder = await api.ClientAsync(Role.Contributor, $"Check Holder {m}");
        using var stranger = await api.ClientAsync(Role.Researcher, $"Check Stranger {m}");
        using var verifier = await api.ClientAsync(Role.Verifier, $"Check Verifiers {m}");
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var facility = await Records.FacilityAsync(holder);
        var verified = await ReleaseOnAsync(holder, facility, start, "VE");
        var toRetract = await ReleaseOnAsync(holder, facility, start.AddDays(1), "VE", isProtected: true);
        var pending = await ReleaseOnAsync(holder, facility, start.AddDays(2), "VE");
        var edited = await ReleaseOnAsync(holder, facility, start.AddDays(3), "VE");
        await DecideOkAsync(verifier, verified.Release, "Verified", Noon(start.AddDays(1)));
        await DecideOkAsync(verifier, toRetract.Release, "Verified", Noon(start.AddDays(2)));
        await DecideOkAsync(verifier, edited.Release, "Verified", Noon(start.AddDays(4)));
        var tally = await PublishAsync(verifier, start, start.AddDays(9), Noon(start.AddDays(20)), "nationality");
        var number = tally["number"]!.GetValue<long>();
        await KnownAtTests.MomentBetweenWritesAsync();

        // Every kind of later write: a backdated verification, a backdated retraction, a late report of a release of the
        // period, an edit of a person's nationality, an edit of a release at the console, an import.
        await DecideOkAsync(verifier, pending.Release, "Verified", Noon(start.AddDays(5)));
        await DecideOkAsync(verifier, toRetract.Release, "Retracted", Noon(start.AddDays(6)));
        var late = await ReleaseOnAsync(holder, facility, start.AddDays(4), "CO");
        await KnownAtTests.EditPersonAsync(holder, edited.Person, person => person["nationalities"] = new JsonArray("AR"));
        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand($"UPDATE releases SET kind = 'Unconditional' WHERE id = '{verified.Release}'", connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        await ImportsTests.ImportOkAsync(holder, $"fullName,nationalities,arrestedOn,releasedOn\nImportada {m},CU,{start.Year - 1},{start.AddDays(7):yyyy-MM-dd}\n");
        var imported = (await holder.GetOkAsync($"/api/v1/releases?releasedFrom={start:yyyy-MM-dd}&releasedTo={start.AddDays(9):yyyy-MM-dd}&limit=500"))["items"]!
            .AsArray().Select(r => r!.Id()).Except([verified.Release, toRetract.Release, pending.Release, edited.Release, late.Release]).Single();

        var asHolder = await holder.GetOkAsync($"/api/v1/tallies/{number}/check");
        var asStranger = await stranger.GetOkAsync($"/api/v1/tallies/{number}/check");
        var asAnyone = await anonymous.GetOkAsync($"/api/v1/tallies/{number}/check");
        var now = await anonymous.GetOkAsync($"/api/v1/tallies/{number}");

        Assert.True(asAnyone["reproduces"]!.GetValue<bool>(), asAnyone.ToJsonString());
        Assert.Equal(tally["answerDigest"]!.GetValue<string>(), asAnyone["recomputedAnswerDigest"]!.GetValue<string>());
        Assert.Equal(tally["inputsDigest"]!.GetValue<string>(), asAnyone["recomputedInputsDigest"]!.GetValue<string>());
        Assert.Equal(tally["canonicalAnswer"]!.GetValue<string>(), now["canonicalAnswer"]!.GetValue<string>());

        static Dictionary<string, (int Added, int Removed, int Changed)> Counts(JsonNode check) => check["changedSince"]!.AsArray().ToDictionary(
            c => c!["status"]!.GetValue<string>(), c => (c!["added"]!.GetValue<int>(), c["removed"]!.GetValue<int>(), c["changed"]!.GetValue<int>()));
        static string Listed(JsonNode? ids) => string.Join(',', ids!.AsArray().Select(i => i!.GetValue<Guid>()).Order());
        static Dictionary<string, (string Added, string Removed, string Changed)> Ids(JsonNode check) => check["changedSince"]!.AsArray().ToDictionary(
            c => c!["status"]!.GetValue<string>(), c => (Listed(c!["addedIds"]), Listed(c["removedIds"]), Listed(c["changedIds"])));
        static string Of(params Guid[] ids) => string.Join(',', ids.Order());

        var expected = new Dictionary<string, (int, int, int)>
        {
            ["Verified"] = (1, 1, 1), // pending verified; toRetract retracted; edited changed nationality
            ["UnderVerification"] = (0, 0, 0),
            ["Reported"] = (2, 1, 0), // late and imported reported; pending left
            ["Disputed"] = (0, 0, 0),
            ["Rejected"] = (0, 0, 0),
            ["Retracted"] = (1, 0, 0),
        };
        Assert.Equal(expected, Counts(asAnyone));
        Assert.Equal(expected, Counts(asStranger));
        Assert.All(asAnyone["changedSince"]!.AsArray(), c => Assert.Null(c!["addedIds"]));
        var holderIds = Ids(asHolder);
        Assert.Equal((Of(pending.Release), Of(toRetract.Release), Of(edited.Release)), holderIds["Verified"]);
        Assert.Equal((Of(late.Release, imported), Of(pending.Release), Of()), holderIds["Reported"]);
        Assert.Equal((Of(toRetract.Release), Of(), Of()), holderIds["Retracted"]);
        // Another organization does not see the release of the protected person, only that one moved.
        var strangerIds = Ids(asStranger);
        Assert.Equal((Of(pending.Release), Of(), Of(edited.Release)), strangerIds["Verified"]);
        Assert.Equal((Of(), Of(), Of()), strangerIds["Retracted"]);
    }

    [Fact]
    public async Task A_tampered_tally_is_reported_as_not_reproducing_and_tallies_refuse_edits()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Tamper NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Tamper Verifiers");
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var release = await ReleaseOnAsync(contributor, await Records.FacilityAsync(contributor), start);
        await DecideOkAsync(verifier, release.Release, "Verified", Noon(start));
        var answerEdited = await PublishAsync(verifier, start, start, Noon(start.AddDays(1)));
        var bothEdited = await PublishAsync(verifier, start, start, Noon(start.AddDays(1)));
        var untouched = await PublishAsync(verifier, start, start, Noon(start.AddDays(1)));

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        async Task<PostgresException?> ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            try
            {
                await command.ExecuteNonQueryAsync(Ct);
                return null;
            }
            catch (PostgresException e)
            {
                return e;
            }
        }

        var refused = await ExecuteAsync($"UPDATE tallies SET title = 'x' WHERE number = {untouched["number"]}");
        var refusedDelete = await ExecuteAsync($"DELETE FROM tally_inputs WHERE tally_id = (SELECT id FROM tallies WHERE number = {untouched["number"]})");
        // A superuser can get past the triggers; the check still finds it out.
        Assert.Null(await ExecuteAsync($"""
            SET session_replication_role = replica;
            UPDATE tallies SET answer = replace(answer, '"verified":1', '"verified":2') WHERE number = {answerEdited["number"]};
            UPDATE tallies SET answer = replace(answer, '"verified":1', '"verified":3') WHERE number = {bothEdited["number"]};
            UPDATE tallies SET answer_digest = encode(sha256(convert_to(answer, 'UTF8')), 'hex') WHERE number = {bothEdited["number"]};
            SET session_replication_role = origin;
            """));

        var answerCheck = await anonymous.GetOkAsync($"/api/v1/tallies/{answerEdited["number"]}/check");
        var bothCheck = await anonymous.GetOkAsync($"/api/v1/tallies/{bothEdited["number"]}/check");
        var untouchedCheck = await anonymous.GetOkAsync($"/api/v1/tallies/{untouched["number"]}/check");

        Assert.Equal("42501", refused?.SqlState);
        Assert.Equal("42501", refusedDelete?.SqlState);
        Assert.False(answerCheck["reproduces"]!.GetValue<bool>());
        Assert.False(answerCheck["storedAnswerMatchesDigest"]!.GetValue<bool>());
        Assert.False(bothCheck["reproduces"]!.GetValue<bool>());
        Assert.True(bothCheck["storedAnswerMatchesDigest"]!.GetValue<bool>());
        Assert.NotEqual(bothCheck["answerDigest"]!.GetValue<string>(), bothCheck["recomputedAnswerDigest"]!.GetValue<string>());
        Assert.True(untouchedCheck["reproduces"]!.GetValue<bool>());
        Assert.Equal(3, (await anonymous.GetOkAsync($"/api/v1/tallies/{bothEdited["number"]}"))["answer"]!["releases"]!["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_tallys_inputs_never_hold_a_personal_field_whatever_the_breakdown()
    {
        var m = Guid.NewGuid().ToString("N")[..10];
        using var contributor = await api.ClientAsync(Role.Contributor, $"Inputs NGO {m}");
        using var verifier = await api.ClientAsync(Role.Verifier, $"Inputs Verifiers {m}");
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var facility = await Records.FacilityAsync(contributor);
        var people = new List<JsonObject>();
        var releases = new List<Guid>();
        foreach (var isProtected in (bool[])[true, false])
        {
            var person = await contributor.PostOkAsync("/api/v1/detainees", new
            {
                fullName = $"Nombre {m} {isProtected}", otherNames = new[] { $"Alias {m} {isProtected}" }, gender = "Female", birthDate = "1971-04-02",
                nationalities = new[] { "VE" }, categories = new[] { "journalist" }, externalIds = new[] { new { scheme = "case", value = $"P-{m}-{isProtected}" } },
                isProtected, nationalId = $"V-{m}-{isProtected}", notes = $"Nota {m} {isProtected}",
            });
            var detention = await Records.DetentionAsync(contributor, person.Id(), facility, arrestedOn: (start.Year - 1).ToString(CultureInfo.InvariantCulture));
            var release = await Records.ReleaseAsync(contributor, detention, $"{start:yyyy-MM-dd}");
            await DecideOkAsync(verifier, release, "Verified", Noon(start));
            people.Add(await contributor.GetOkAsync($"/api/v1/detainees/{person.Id()}") as JsonObject ?? throw new InvalidOperationException());
            releases.Add(release);
        }

        // Every value of every personal field of the model, as the holder reads it: names, birth date, identifiers, notes,
        // the person's and the release's ids, and the pseudonym another organization sees.
        var personal = typeof(Detainee).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
            .Except(["gender", "nationalities", "categories", "status", "organization", "createdAt", "updatedAt", "isProtected"])
            .ToList();
        var secrets = people
            .SelectMany(p => personal.Select(name => p[name]).Append(p["externalIds"]))
            .SelectMany(value => value switch
            {
                JsonArray items => items.SelectMany(i => i is JsonObject o ? o.Select(kv => kv.Value?.ToString()) : [i?.ToString()]),
                JsonValue v => [v.ToString()],
                _ => [],
            })
            .Concat(releases.Select(r => r.ToString()))
            .OfType<string>().Where(s => s.Length > 3).ToList();
        Assert.Contains($"V-{m}-True", secrets);
        Assert.Contains($"P-{m}-True", secrets);

        var fieldOf = new Dictionary<string, string>
        {
            ["nationality"] = "nationalities", ["category"] = "categories", ["gender"] = "gender", ["releaseKind"] = "releaseKind",
            ["facility"] = "facilityId", ["chargesDropped"] = "chargesDropped",
        };
        foreach (var groupBy in fieldOf.Keys.Append(null))
        {
            var tally = await PublishAsync(verifier, start, start, Noon(start.AddDays(1)), groupBy);
            var inputs = await anonymous.GetOkAsync($"/api/v1/tallies/{tally["number"]}/inputs");
            var csv = await (await anonymous.GetAsync($"/api/v1/tallies/{tally["number"]}/inputs?format=csv", Ct)).Content.ReadAsStringAsync(Ct);
            var rows = inputs["rows"]!.AsArray().Select(r => JsonNode.Parse(r!["row"]!.GetValue<string>())!.AsObject()).ToList();

            Assert.Equal(2, rows.Count);
            string[] shape = groupBy is null ? ["releasedOn", "status", "token"] : ["releasedOn", "status", "token", fieldOf[groupBy]];
            Assert.All(rows, row => Assert.Equal(shape.Order(StringComparer.Ordinal), row.Select(kv => kv.Key).Order(StringComparer.Ordinal)));
            if (groupBy is not null)
            {
                Assert.Equal(rows[0][shape[^1]]?.ToJsonString(), rows[1][shape[^1]]?.ToJsonString()); // both alike: nothing tells the protected apart
            }

            foreach (var text in (string[])[inputs.ToJsonString(), csv])
            {
                Assert.DoesNotContain(secrets, secret => text.Contains(secret, StringComparison.OrdinalIgnoreCase));
                Assert.DoesNotContain("rotected", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_tally_beside_many_claims_is_published_with_its_whole_canonical_answer_as_the_document_allows()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Long Claims NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Long Claims Verifiers");
        var start = api.OwnPeriod();
        foreach (var claimant in Enumerable.Range(1, 24).Select(n => $"Ministry {n}"))
        {
            await contributor.PostOkAsync("/api/v1/claims", new JsonObject
            {
                ["claimant"] = claimant, ["claimantKind"] = "Government", ["metric"] = "Releases", ["statedAt"] = Iso(Noon(start.AddDays(1))),
                ["period"] = new JsonObject { ["from"] = $"{start:yyyy-MM-dd}", ["to"] = $"{start.AddDays(2):yyyy-MM-dd}" },
                ["count"] = new JsonObject { ["qualifier"] = "MoreThan", ["value"] = 600 }, ["originalText"] = "more than 600 freed",
            });
        }

        // The answer (validated against the document like every answer of these tests) lists every claim beside it: longer than any stored text.
        var tally = await PublishAsync(verifier, start, start.AddDays(2), Noon(start.AddDays(3)));

        var canonical = tally["canonicalAnswer"]!.GetValue<string>();
        Assert.True(canonical.Length > 4000, $"canonical answer of {canonical.Length} characters");
        Assert.Equal(Sha256(canonical), tally["answerDigest"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_correction_supersedes_a_tally_once_and_only_by_its_publisher()
    {
        using var verifier = await api.ClientAsync(Role.Verifier, "Correcting Verifiers");
        using var other = await api.ClientAsync(Role.Verifier, "Other Correcting Verifiers");
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var first = await PublishAsync(verifier, start, start.AddDays(3), Noon(start.AddDays(5)));
        var number = first["number"]!.GetValue<long>();

        var correction = await PublishAsync(verifier, start, start.AddDays(4), Noon(start.AddDays(5)), supersedes: number);
        var again = await verifier.PostAsJsonAsync("/api/v1/tallies", new { title = "again", from = $"{start:yyyy-MM-dd}", to = $"{start:yyyy-MM-dd}",
            asOf = Iso(Noon(start)), supersedes = number }, Ct);
        var byOther = await other.PostAsJsonAsync("/api/v1/tallies", new { title = "other", from = $"{start:yyyy-MM-dd}", to = $"{start:yyyy-MM-dd}",
            asOf = Iso(Noon(start)), supersedes = correction["number"]!.GetValue<long>() }, Ct);
        var unknown = await verifier.PostAsJsonAsync("/api/v1/tallies", new { title = "x", from = $"{start:yyyy-MM-dd}", to = $"{start:yyyy-MM-dd}",
            asOf = Iso(Noon(start)), supersedes = long.MaxValue }, Ct);
        var future = await verifier.PostAsJsonAsync("/api/v1/tallies", new { title = "x", from = $"{start:yyyy-MM-dd}", to = $"{start:yyyy-MM-dd}",
            asOf = Iso(DateTimeOffset.UtcNow.AddDays(1)) }, Ct);
        var noAsOf = await verifier.PostAsJsonAsync("/api/v1/tallies", new { title = "x", from = $"{start:yyyy-MM-dd}", to = $"{start:yyyy-MM-dd}" }, Ct);

        Assert.True(correction["number"]!.GetValue<long>() > number);
        Assert.Equal(number, correction["supersedes"]!.GetValue<long>());
        Assert.Equal(correction["number"]!.GetValue<long>(), (await anonymous.GetOkAsync($"/api/v1/tallies/{number}"))["supersededBy"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("A tally is corrected only once", await again.TitleAsync());
        Assert.Equal(HttpStatusCode.Conflict, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("supersedes"));
        Assert.Equal(HttpStatusCode.Conflict, future.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noAsOf.StatusCode);
        Assert.True((await noAsOf.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("asOf"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/tallies/{long.MaxValue}/check", Ct)).StatusCode);
    }
}
