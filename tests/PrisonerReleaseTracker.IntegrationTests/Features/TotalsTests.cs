using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Totals count everything dated in a period, so each test here counts releases in a period of its own that the
/// fixture allocates (<see cref="ApiFixture.OwnPeriod"/>): it counts only what it made.
/// </summary>
public sealed class TotalsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Statuses = ["Verified", "UnderVerification", "Reported", "Disputed", "Rejected", "Retracted"];

    private async Task<Guid> ReleaseOnAsync(HttpClient contributor, DateOnly day)
    {
        var facility = await Records.FacilityAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, await Records.DetaineeAsync(contributor), facility,
            arrestedOn: (day.Year - 1).ToString(CultureInfo.InvariantCulture));
        return await Records.ReleaseAsync(contributor, detention, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ten in the morning, UTC, of <paramref name="day"/>.</summary>
    private static string At(DateOnly day) => Iso(new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));

    [Fact]
    public async Task Totals_as_of_any_moment_match_an_independent_replay_of_the_decisions()
    {
        var random = TestSeed.Random(out var seed);
        using var contributor = await api.ClientAsync(Role.Contributor, "Replay NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Replay Verifiers");
        var start = api.OwnPeriod();
        var midnight = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var decisions = new List<(Guid Release, DateOnly ReleasedOn, string Status, DateTimeOffset At)>();
        var releases = new List<(Guid Id, DateOnly On)>();
        // Each release walks a legal path; some end Verified, some pending, one is verified then retracted.
        string[][] paths = [["Verified"], ["UnderVerification", "Verified"], ["UnderVerification"], ["Disputed"], ["Verified", "Retracted"],
            ["Rejected", "UnderVerification", "Verified"], []];
        var count = random.Next(8, 14);
        for (var i = 0; i < count; i++)
        {
            var on = start.AddDays(random.Next(0, 20));
            var id = await ReleaseOnAsync(contributor, on);
            releases.Add((id, on));
            var at = new DateTimeOffset(on.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
            foreach (var status in i == 0 ? paths[4] : paths[random.Next(paths.Length)])
            {
                at = at.AddHours(random.Next(1, 72));
                var response = await Records.DecideAsync(verifier, id, status, Iso(at), "reason given");
                Assert.True(response.IsSuccessStatusCode, $"seed {seed}: {status} refused: {await response.Content.ReadAsStringAsync(Ct)}");
                decisions.Add((id, on, status, at));
            }
        }

        // Claims stated at random moments (two at the same moment, one exactly at a decision), each over a period of its
        // own: beside each answer, their counts as of the statement and as of asOf come from the same replay.
        int VerifiedAsOf(DateOnly from, DateOnly to, DateTimeOffset asOf) => releases.Count(r => r.On >= from && r.On <= to
            && decisions.Where(d => d.Release == r.Id && d.At <= asOf).Select(d => d.Status).LastOrDefault() == "Verified");
        var claimMoments = Enumerable.Range(0, 4).Select(_ => midnight.AddMinutes(random.Next(0, 60 * 24 * 40)))
            .Append(decisions[0].At).ToList();
        claimMoments.Add(claimMoments[0]);
        var claims = new List<(Guid Id, DateOnly From, DateOnly To, DateTimeOffset StatedAt)>();
        foreach (var statedAt in claimMoments)
        {
            var periodFrom = statedAt == decisions[0].At ? releases[0].On : start.AddDays(random.Next(0, 15));
            var periodTo = statedAt == decisions[0].At ? releases[0].On : periodFrom.AddDays(random.Next(0, 15));
            var claim = await contributor.PostOkAsync("/api/v1/claims", new JsonObject
            {
                ["claimant"] = "Replay government", ["claimantKind"] = "Government", ["metric"] = "Releases", ["statedAt"] = Iso(statedAt),
                ["period"] = new JsonObject { ["from"] = $"{periodFrom:yyyy-MM-dd}", ["to"] = $"{periodTo:yyyy-MM-dd}" },
                ["count"] = new JsonObject { ["qualifier"] = "AtLeast", ["value"] = 5 }, ["originalText"] = "at least five",
            });
            claims.Add((claim.Id(), periodFrom, periodTo, statedAt));
        }

        var moments = Enumerable.Range(0, 5).Select(_ => midnight.AddHours(random.Next(0, 24 * 40)))
            .Append(decisions.Where(d => d.Status == "Retracted").Select(d => d.At.AddSeconds(-1)).First())
            .Append(DateTimeOffset.UtcNow);
        foreach (var asOf in moments)
        {
            var from = start.AddDays(random.Next(0, 10));
            var to = from.AddDays(random.Next(0, 20));
            var expected = releases.Where(r => r.On >= from && r.On <= to)
                .Select(r => decisions.Where(d => d.Release == r.Id && d.At <= asOf).Select(d => d.Status).LastOrDefault() ?? "Reported")
                .ToList();
            var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&asOf={Uri.EscapeDataString(Iso(asOf))}";
            var totals = await contributor.GetOkAsync($"/api/v1/totals?{query}");
            var timeline = await contributor.GetOkAsync($"/api/v1/totals/timeline?{query}&interval=week");

            foreach (var status in Statuses)
            {
                var key = char.ToLowerInvariant(status[0]) + status[1..];
                Assert.True(expected.Count(s => s == status) == totals["releases"]![key]!.GetValue<int>(), $"seed {seed}, asOf {asOf:O}, {query}: {status}");
            }

            var besideTotals = totals["claims"]!.AsArray().ToDictionary(c => c!["claim"]!.Id());
            foreach (var claim in claims.Where(c => c.StatedAt <= asOf && c.From <= to && c.To >= from))
            {
                var reconciled = besideTotals[claim.Id]!;
                var context = $"seed {seed}, asOf {asOf:O}, {query}: claim over {claim.From}..{claim.To} stated {claim.StatedAt:O}";
                Assert.True(VerifiedAsOf(claim.From, claim.To, claim.StatedAt) == reconciled["verifiedAtClaimTime"]!.GetValue<int>(), context);
                Assert.True(VerifiedAsOf(claim.From, claim.To, asOf) == reconciled["verifiedNow"]!.GetValue<int>(), context);
            }

            Assert.Equal(claims.Count(c => c.StatedAt <= asOf && c.From <= to && c.To >= from), besideTotals.Keys.Count(claims.Select(c => c.Id).Contains));

            // Counting only the one organization that made every decision here gives the same answer, by the other query.
            var byVerifier = await contributor.GetOkAsync($"/api/v1/totals?{query}&verifiedBy={Uri.EscapeDataString("Replay Verifiers")}");
            Assert.Equal(totals["claims"]!.ToJsonString(), byVerifier["claims"]!.ToJsonString());
            var points = timeline["points"]!.AsArray();
            Assert.Equal(totals["releases"]!["verified"]!.GetValue<int>(), points.Sum(p => p!["verified"]!.GetValue<int>()));
            Assert.Equal(totals["releases"]!["reported"]!.GetValue<int>(), points.Sum(p => p!["reported"]!.GetValue<int>()));
            Assert.Equal(totals["releases"]!["verified"]!.GetValue<int>(), points[^1]!["cumulativeVerified"]!.GetValue<int>());
        }

        // As of now (no asOf): the stored statuses, and the same claims' counts.
        var now = await contributor.GetOkAsync($"/api/v1/totals?from={start:yyyy-MM-dd}&to={start.AddDays(40):yyyy-MM-dd}");
        Assert.Equal(VerifiedAsOf(start, start.AddDays(40), DateTimeOffset.MaxValue), now["releases"]!["verified"]!.GetValue<int>());
        var claimsNow = now["claims"]!.AsArray().ToDictionary(c => c!["claim"]!.Id());
        foreach (var claim in claims)
        {
            Assert.Equal(VerifiedAsOf(claim.From, claim.To, claim.StatedAt), claimsNow[claim.Id]!["verifiedAtClaimTime"]!.GetValue<int>());
            Assert.Equal(VerifiedAsOf(claim.From, claim.To, DateTimeOffset.MaxValue), claimsNow[claim.Id]!["verifiedNow"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_later_retraction_does_not_change_the_total_as_of_before_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Retraction NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Retraction Verifiers");
        var day = api.OwnPeriod();
        var release = await ReleaseOnAsync(contributor, day);
        (await Records.DecideAsync(verifier, release, "Verified", At(day.AddDays(1)))).EnsureSuccessStatusCode();
        var before = $"/api/v1/totals?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}&asOf={day.AddDays(10):yyyy-MM-dd}";
        Assert.Equal(1, (await contributor.GetOkAsync(before))["releases"]!["verified"]!.GetValue<int>());

        (await Records.DecideAsync(verifier, release, "Retracted", At(day.AddDays(22)), "Re-arrested the same day.")).EnsureSuccessStatusCode();

        Assert.Equal(1, (await contributor.GetOkAsync(before))["releases"]!["verified"]!.GetValue<int>());
        var now = await contributor.GetOkAsync($"/api/v1/totals?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        Assert.Equal(0, now["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(1, now["releases"]!["retracted"]!.GetValue<int>());
    }

    [Fact]
    public async Task VerifiedBy_counts_only_that_organizations_decisions()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "VerifiedBy NGO");
        using var alpha = await api.ClientAsync(Role.Verifier, "Alpha Verifiers");
        using var beta = await api.ClientAsync(Role.Verifier, "Beta Verifiers");
        var day = api.OwnPeriod();
        var first = await ReleaseOnAsync(contributor, day);
        var second = await ReleaseOnAsync(contributor, day.AddDays(1));
        (await Records.DecideAsync(alpha, first, "Verified", At(day.AddDays(2)))).EnsureSuccessStatusCode();
        (await Records.DecideAsync(beta, second, "Verified", At(day.AddDays(2)))).EnsureSuccessStatusCode();
        var period = $"from={day:yyyy-MM-dd}&to={day.AddDays(27):yyyy-MM-dd}";

        var all = await contributor.GetOkAsync($"/api/v1/totals?{period}");
        var alphaOnly = await contributor.GetOkAsync($"/api/v1/totals?{period}&verifiedBy=Alpha%20Verifiers");

        Assert.Equal(2, all["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(1, alphaOnly["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(1, alphaOnly["releases"]!["reported"]!.GetValue<int>());
    }

    [Fact]
    public async Task Totals_are_cacheable_answer_304_and_never_outlive_a_write_even_a_backdated_one()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Cache NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Cache Verifiers");
        using var anonymous = api.Anonymous();
        var day = api.OwnPeriod();
        var release = await ReleaseOnAsync(contributor, day);
        var now = $"/api/v1/totals?from={day:yyyy-MM-dd}&to={day.AddDays(30):yyyy-MM-dd}";
        var past = $"{now}&asOf={day.AddDays(31):yyyy-MM-dd}";

        // "As of now" answers carry the moment they were computed, so other tests' writes change them;
        // an answer as of a past moment is the same bytes until a write touches that past.
        var first = await anonymous.GetAsync(now, Ct);
        var pastFirst = await anonymous.GetAsync(past, Ct);
        var revalidated = await anonymous.SendAsync(WithIfNoneMatch(past, pastFirst.Headers.ETag!), Ct);
        (await Records.DecideAsync(verifier, release, "Verified", At(day.AddDays(14)))).EnsureSuccessStatusCode();
        var afterWrite = await anonymous.SendAsync(WithIfNoneMatch(now, first.Headers.ETag!), Ct);
        var pastAfter = await anonymous.SendAsync(WithIfNoneMatch(past, pastFirst.Headers.ETag!), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(0, (await pastFirst.ReadObjectAsync())["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterWrite.StatusCode);
        Assert.Equal(1, (await afterWrite.ReadObjectAsync())["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, pastAfter.StatusCode);
        Assert.Equal(1, (await pastAfter.ReadObjectAsync())["releases"]!["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_cached_answer_is_logged_at_debug_and_a_computed_one_at_information()
    {
        // The request log at Debug, so that the line of a replayed answer is written and its level seen.
        using var factory = api.Factory.WithWebHostBuilder(builder =>
            builder.UseSetting($"Logging:LogLevel:{typeof(RequestLoggingMiddleware).FullName}", "Debug"));
        using var anonymous = factory.CreateClient();
        var day = api.OwnPeriod();
        var url = $"/api/v1/totals?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}&asOf={day.AddDays(1):yyyy-MM-dd}";

        // Other tests' writes move the data version, so a request may be computed again: ask until both kinds were seen.
        // The output cache tells a replayed answer by its Age header; each request carries its own trace id.
        string? computed = null, replayed = null;
        for (var attempt = 0; attempt < 20 && (computed is null || replayed is null); attempt++)
        {
            var traceId = ActivityTraceId.CreateRandom().ToString();
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await anonymous.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync(Ct);
            if (response.Headers.Age is null)
            {
                computed ??= traceId;
            }
            else
            {
                replayed ??= traceId;
            }
        }

        Assert.NotNull(computed);
        Assert.NotNull(replayed);
        Assert.Equal("Information", await LevelOfRequestLineAsync(computed));
        Assert.Equal("Debug", await LevelOfRequestLineAsync(replayed));
    }

    /// <summary>The level of the request log line with this trace id (written as the request ends, so waited for).</summary>
    private async Task<string> LevelOfRequestLineAsync(string traceId)
    {
        for (var wait = 0; wait < 50; wait++)
        {
            if (api.Logs.Lines.FirstOrDefault(l => l.Contains("RequestLoggingMiddleware", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal)) is { } line)
            {
                return line[..line.IndexOf(' ', StringComparison.Ordinal)];
            }

            await Task.Delay(100, Ct);
        }

        return "(no line)";
    }

    [Theory]
    [InlineData("to=2026-01-10", "from")]
    [InlineData("from=2026-01-10&to=2026-01-01", "to")]
    [InlineData("from=2026-01-10&groupBy=planet", "groupBy")]
    [InlineData("from=2026-13-10", "from")]
    [InlineData("from=2026-01-10&asOf=yesterday", "asOf")]
    [InlineData("from=2026-01-10&asOf=2026-01-23T10:00:00", "asOf")]
    [InlineData("from=2026-01-10&knownAt=2026/01/23", "knownAt")]
    [InlineData("from=2026-01-10&knownAt=2026-01-23T10:00:00", "knownAt")]
    public async Task Invalid_totals_queries_are_a_400_naming_the_parameter(string query, string field)
    {
        using var anonymous = api.Anonymous();
        var totals = await anonymous.GetAsync($"/api/v1/totals?{query}", Ct);
        var timeline = await anonymous.GetAsync($"/api/v1/totals/timeline?{query.Replace("groupBy=planet", "interval=month", StringComparison.Ordinal)}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, totals.StatusCode);
        Assert.True((await totals.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field), await totals.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, timeline.StatusCode);
    }

    [Fact]
    public async Task The_timeline_fills_empty_days_and_cuts_weeks_at_from()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Timeline NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Timeline Verifiers");
        var start = api.OwnPeriod();
        var wednesday = start.AddDays(((int)DayOfWeek.Wednesday - (int)start.DayOfWeek + 7) % 7);
        var release = await ReleaseOnAsync(contributor, wednesday);
        (await Records.DecideAsync(verifier, release, "Verified", At(wednesday.AddDays(1)))).EnsureSuccessStatusCode();

        var days = (await contributor.GetOkAsync($"/api/v1/totals/timeline?from={wednesday.AddDays(-2):yyyy-MM-dd}&to={wednesday.AddDays(4):yyyy-MM-dd}"))["points"]!.AsArray();
        var weeks = (await contributor.GetOkAsync($"/api/v1/totals/timeline?from={wednesday:yyyy-MM-dd}&to={wednesday.AddDays(11):yyyy-MM-dd}&interval=week"))["points"]!.AsArray();

        Assert.Equal(7, days.Count);
        Assert.Equal([0, 0, 1, 0, 0, 0, 0], days.Select(p => p!["verified"]!.GetValue<int>()));
        Assert.Equal([0, 0, 1, 1, 1, 1, 1], days.Select(p => p!["cumulativeVerified"]!.GetValue<int>()));
        Assert.Equal([$"{wednesday:yyyy-MM-dd}", $"{wednesday.AddDays(5):yyyy-MM-dd}"], weeks.Select(p => p!["date"]!.GetValue<string>()));
    }

    private static HttpRequestMessage WithIfNoneMatch(string url, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        return request;
    }
}
