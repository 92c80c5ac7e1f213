using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Answers known at a past moment (<c>knownAt</c>): each test counts releases in a period of its own
/// (<see cref="ApiFixture.OwnPeriod"/>), so it counts only what it made.
/// </summary>
public sealed class KnownAtTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Statuses = ["Verified", "UnderVerification", "Reported", "Disputed", "Rejected", "Retracted"];
    private static readonly string[] Nationalities = ["VE", "CO", "CU"];
    private static readonly string[] Genders = ["Male", "Female"];
    private static readonly string[] Categories = ["journalist", "student", "military"];

    /// <summary>The next status a release may take from <paramref name="status"/> (a legal transition), and whether it needs a note.</summary>
    private static string NextOf(string status) => status switch
    {
        "Verified" => "Retracted",
        "Rejected" or "Retracted" => "UnderVerification",
        _ => "Verified",
    };

    internal static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <summary>A moment between every write before it and every write after it, as the server records them.</summary>
    internal static async Task<DateTimeOffset> MomentBetweenWritesAsync()
    {
        await Task.Delay(15, Ct);
        var moment = DateTimeOffset.UtcNow;
        moment = moment.AddTicks(-(moment.Ticks % TimeSpan.TicksPerMillisecond));
        await Task.Delay(15, Ct);
        return moment;
    }

    private sealed record Person(Guid Id, string Nationality, string Gender, string Category);

    private sealed record Made(Guid Id, DateOnly On, Person Person, List<(string Status, DateTimeOffset At)> Decisions);

    [Fact]
    public async Task An_answer_known_at_a_past_moment_never_changes_whatever_is_written_later()
    {
        var random = TestSeed.Random(out var seed);
        using var contributor = await api.ClientAsync(Role.Contributor, "Known NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Known Verifiers");
        using var anonymous = api.Anonymous();
        var start = api.OwnPeriod();
        var facility = await Records.FacilityAsync(contributor);

        // Before T: releases in the first ten days, each walking a legal path over the next nine at most; one claim.
        string[][] paths = [["Verified"], ["UnderVerification", "Verified"], ["UnderVerification"], ["Disputed"], ["Verified", "Retracted"],
            ["Rejected"], []];
        var made = new List<Made>();
        for (var i = 0; i < random.Next(8, 13); i++)
        {
            var person = new Person(Guid.Empty, Nationalities[random.Next(3)], Genders[random.Next(2)], Categories[random.Next(3)]);
            var personId = await Records.DetaineeAsync(contributor, nationalities: [person.Nationality], categories: [person.Category], gender: person.Gender);
            var detention = await Records.DetentionAsync(contributor, personId, facility, arrestedOn: (start.Year - 1).ToString(CultureInfo.InvariantCulture));
            var on = start.AddDays(random.Next(0, 10));
            var release = new Made(await Records.ReleaseAsync(contributor, detention, $"{on:yyyy-MM-dd}", chargesDropped: random.Next(2) == 0), on,
                person with { Id = personId }, []);
            var at = Noon(on);
            foreach (var status in i == 0 ? paths[0] : paths[random.Next(paths.Length)])
            {
                at = at.AddHours(random.Next(1, 72));
                await DecideOkAsync(verifier, release.Id, status, at, seed);
                release.Decisions.Add((status, at));
            }

            made.Add(release);
        }

        var superseded = await ClaimAsync(contributor, start, start.AddDays(12), Noon(start.AddDays(15)), supersedes: null);
        var t = await MomentBetweenWritesAsync();

        // The questions: several moments the answer is true at (all by T), every breakdown, the timeline.
        var asOfs = new[] { Noon(start.AddDays(25)), Noon(start.AddDays(40)), t };
        var period = $"from={start:yyyy-MM-dd}&to={start.AddDays(12):yyyy-MM-dd}";
        var urls = asOfs.SelectMany(asOf => new[]
        {
            $"/api/v1/totals?{period}", $"/api/v1/totals?{period}&groupBy=nationality", $"/api/v1/totals?{period}&groupBy=gender",
            $"/api/v1/totals?{period}&groupBy=category", $"/api/v1/totals?{period}&groupBy=chargesDropped", $"/api/v1/totals?{period}&groupBy=releaseKind",
            $"/api/v1/totals?{period}&groupBy=facility", $"/api/v1/totals?{period}&verifiedBy=Known%20Verifiers",
            $"/api/v1/totals/timeline?{period}", $"/api/v1/totals/timeline?{period}&interval=week",
        }.Select(url => $"{url}&asOf={Uri.EscapeDataString(Iso(asOf))}&knownAt={Uri.EscapeDataString(Iso(t))}")).ToList();
        var before = new List<string>();
        foreach (var url in urls)
        {
            before.Add((await anonymous.GetOkAsync(url)).ToJsonString());
        }

        // The answers are what an independent replay of the writes before T says.
        foreach (var asOf in asOfs)
        {
            string StatusOf(Made r) => r.Decisions.Where(d => d.At <= asOf).Select(d => d.Status).LastOrDefault() ?? "Reported";
            var totals = await anonymous.GetOkAsync($"/api/v1/totals?{period}&groupBy=nationality&asOf={Uri.EscapeDataString(Iso(asOf))}&knownAt={Uri.EscapeDataString(Iso(t))}");
            var context = $"seed {seed}, asOf {asOf:O}";
            foreach (var status in Statuses)
            {
                Assert.True(made.Count(r => StatusOf(r) == status) == totals["releases"]![char.ToLowerInvariant(status[0]) + status[1..]]!.GetValue<int>(),
                    $"{context}: {status}");
            }

            var byNationality = totals["breakdown"]!.AsArray().ToDictionary(b => b!["key"]!.GetValue<string>(), b => b!["verified"]!.GetValue<int>());
            foreach (var nationality in Nationalities)
            {
                Assert.True(made.Count(r => StatusOf(r) == "Verified" && r.Person.Nationality == nationality) == byNationality.GetValueOrDefault(nationality),
                    $"{context}: {nationality}");
            }

            Assert.Equal(Iso(t), Iso(totals["knownAt"]!.GetValue<DateTimeOffset>()));
            Assert.Equal(Iso(asOf), Iso(totals["asOf"]!.GetValue<DateTimeOffset>()));
        }

        // After T, every kind of write that could change these answers if they read the record as it is now.
        // Backdated decisions, dated before every asOf: retractions of the verified, verifications of the pending.
        foreach (var release in made.Where(_ => random.Next(3) > 0).Append(made[0]).Distinct())
        {
            var status = release.Decisions.Select(d => d.Status).LastOrDefault() ?? "Reported";
            await DecideOkAsync(verifier, release.Id, NextOf(status), Noon(start.AddDays(21)).AddMinutes(random.Next(0, 600)), seed);
        }

        // A release reported late in the period, verified as of a backdated moment.
        var latePerson = await Records.DetaineeAsync(contributor, nationalities: ["CO"]);
        var lateDetention = await Records.DetentionAsync(contributor, latePerson, facility, arrestedOn: (start.Year - 1).ToString(CultureInfo.InvariantCulture));
        var late = await Records.ReleaseAsync(contributor, lateDetention, $"{start.AddDays(3):yyyy-MM-dd}");
        await DecideOkAsync(verifier, late, "Verified", Noon(start.AddDays(4)), seed);
        // Edits of the person through the API: nationality, gender, categories and protection.
        foreach (var release in made.Where(_ => random.Next(2) == 0).Append(made[0]).Distinct())
        {
            await EditPersonAsync(contributor, release.Person.Id, person =>
            {
                person["nationalities"] = new JsonArray("BR");
                person["gender"] = release.Person.Gender == "Male" ? "Female" : "Male";
                person["categories"] = new JsonArray("lawyer");
                person["isProtected"] = true;
            });
        }

        // Edits by a hand at the console: a release's kind, facility and charges, a person's nationalities.
        await ConsoleAsync($"""
            UPDATE releases SET kind = 'Unconditional', facility_id = NULL, conditions_charges_dropped = NOT coalesce(conditions_charges_dropped, false)
            WHERE id IN ({string.Join(", ", made.Select(r => $"'{r.Id}'"))});
            UPDATE detainees SET nationalities = ARRAY['AR'] WHERE id = '{made[^1].Person.Id}';
            """);
        // An import of releases dated in the period.
        var m = Guid.NewGuid().ToString("N")[..8];
        await ImportsTests.ImportOkAsync(contributor,
            $"fullName,nationalities,gender,arrestedOn,releasedOn\nImportada {m},VE,Female,{start.Year - 1},{start.AddDays(5):yyyy-MM-dd}\n");
        // A claim that revises the earlier one, stated before every asOf, and another one.
        await ClaimAsync(contributor, start, start.AddDays(12), Noon(start.AddDays(16)), superseded);
        await ClaimAsync(contributor, start, start.AddDays(5), Noon(start.AddDays(17)), supersedes: null);

        var after = new List<string>();
        foreach (var url in urls)
        {
            after.Add((await anonymous.GetOkAsync(url)).ToJsonString());
        }

        for (var i = 0; i < urls.Count; i++)
        {
            Assert.True(before[i] == after[i], $"seed {seed}: {urls[i]}\nbefore: {before[i]}\nafter:  {after[i]}");
        }

        // The same question known now sees the writes: they were ones that matter.
        var knownNow = await anonymous.GetOkAsync($"/api/v1/totals?{period}&asOf={Uri.EscapeDataString(Iso(asOfs[1]))}");
        var knownThen = JsonNode.Parse(before[urls.Count / asOfs.Length])!; // the plain totals of the second asOf
        Assert.NotEqual(knownThen["releases"]!.ToJsonString(), knownNow["releases"]!.ToJsonString());
        Assert.NotEqual(knownThen["claims"]!.ToJsonString(), knownNow["claims"]!.ToJsonString());
    }

    [Fact]
    public async Task A_date_alone_as_knownAt_means_the_end_of_that_day_a_later_moment_means_now_and_none_states_none()
    {
        using var anonymous = api.Anonymous();
        var day = api.OwnPeriod();

        var dated = await anonymous.GetOkAsync($"/api/v1/totals?from={day:yyyy-MM-dd}&asOf={day:yyyy-MM-dd}&knownAt={day.AddDays(1):yyyy-MM-dd}");
        var future = await anonymous.GetOkAsync($"/api/v1/totals/timeline?from={day:yyyy-MM-dd}&asOf={day:yyyy-MM-dd}&knownAt=2100-01-01");
        var now = await anonymous.GetOkAsync($"/api/v1/totals?from={day:yyyy-MM-dd}&asOf={day:yyyy-MM-dd}");

        Assert.Equal(new DateTimeOffset(day.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-10),
            dated["knownAt"]!.GetValue<DateTimeOffset>());
        Assert.InRange(future["knownAt"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        // Known now, the answer names no moment: its bytes stay the same while its figures do.
        Assert.Null(now["knownAt"]);
    }

    private static async Task DecideOkAsync(HttpClient verifier, Guid release, string status, DateTimeOffset at, int seed)
    {
        var response = await Records.DecideAsync(verifier, release, status, Iso(at), "reason given");
        Assert.True(response.IsSuccessStatusCode, $"seed {seed}: {status} at {at:O} refused: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    internal static async Task<Guid> ClaimAsync(HttpClient contributor, DateOnly from, DateOnly to, DateTimeOffset statedAt, Guid? supersedes) =>
        (await contributor.PostOkAsync("/api/v1/claims", new JsonObject
        {
            ["claimant"] = "Known government", ["claimantKind"] = "Government", ["metric"] = "Releases", ["statedAt"] = Iso(statedAt),
            ["period"] = new JsonObject { ["from"] = $"{from:yyyy-MM-dd}", ["to"] = $"{to:yyyy-MM-dd}" },
            ["count"] = new JsonObject { ["qualifier"] = "AtLeast", ["value"] = 5 }, ["originalText"] = "at least five",
            ["supersedesClaimId"] = supersedes?.ToString(),
        })).Id();

    /// <summary>Reads the person, changes the details and puts them back with the ETag read.</summary>
    internal static async Task EditPersonAsync(HttpClient contributor, Guid personId, Action<JsonObject> change)
    {
        var read = await contributor.GetAsync($"/api/v1/detainees/{personId}", Ct);
        read.EnsureSuccessStatusCode();
        var person = await read.ReadObjectAsync();
        var body = new JsonObject();
        foreach (var name in (string[])["fullName", "otherNames", "gender", "birthDate", "nationalities", "categories", "externalIds", "isProtected", "nationalId", "notes"])
        {
            body[name] = person[name]?.DeepClone();
        }

        change(body);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{personId}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(read.Headers.ETag!);
        var response = await contributor.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Writes as someone at the database's console would: no API, no audit entry, no recorded moment but the clock.</summary>
    private async Task ConsoleAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
