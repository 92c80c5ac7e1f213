using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Lists;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Named lists, reconciled against the record. Matching compares names with the whole record, so every person and entry
/// here carries a name of its own (a fresh suffix); releases are dated in 2011, a year no other test touches.
/// </summary>
public sealed class ListsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Outcomes =
    [
        "releaseVerified", "releaseUnverified", "releaseRejected", "houseArrest", "stillDetained", "releasedOutsidePeriod", "noDetentionRecord",
        "noVisibleMatch", "unresolved", "duplicateInList",
    ];

    private static string Unique(string name) => $"{name} {Guid.NewGuid():N}"[..(name.Length + 13)];

    private static JsonObject List(string title = "Lista de excarcelados", Guid? claimId = null) => new()
    {
        ["title"] = title,
        ["claimant"] = "Government of Testland",
        ["claimantKind"] = "Government",
        ["statedAt"] = "2011-02-01T18:00:00-04:00",
        ["period"] = new JsonObject { ["from"] = "2011-01-01", ["to"] = "2011-01-31" },
        ["metric"] = "Releases",
        ["claimId"] = claimId,
    };

    private static async Task<Guid> PersonAsync(HttpClient contributor, string name, string? birthDate = null, string? externalId = null,
        bool isProtected = false, string? nationalId = null) =>
        (await contributor.PostOkAsync("/api/v1/detainees", new
        {
            fullName = name,
            gender = "Female",
            birthDate,
            nationalities = new[] { "VE" },
            categories = Array.Empty<string>(),
            isProtected,
            nationalId,
            externalIds = externalId is null ? Array.Empty<object>() : [new { scheme = "test-list", value = externalId }],
        })).Id();

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid listId, string csv) =>
        client.PostAsync($"/api/v1/lists/{listId}/entries", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

    private static async Task<Guid> ListWithEntriesAsync(HttpClient contributor, string csv, Guid? claimId = null)
    {
        var list = (await contributor.PostOkAsync("/api/v1/lists", List(claimId: claimId))).Id();
        var response = await UploadAsync(contributor, list, csv);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return list;
    }

    private static async Task<Dictionary<string, int>> OutcomesAsync(HttpClient client, Guid list, string query = "")
    {
        var reconciliation = await client.GetOkAsync($"/api/v1/lists/{list}/reconciliation{query}");
        var outcomes = reconciliation["outcomes"]!.AsObject();
        Assert.Equal(Outcomes.Order(), outcomes.Select(o => o.Key).Order());
        return outcomes.ToDictionary(o => o.Key, o => o.Value!.GetValue<int>());
    }

    private static Dictionary<string, int> Expect(params (string Outcome, int Count)[] counts) =>
        Outcomes.ToDictionary(o => o, o => counts.Where(c => c.Outcome == o).Sum(c => c.Count));

    [Fact]
    public async Task A_list_is_recorded_and_anyone_reads_its_title_claimant_dates_and_size()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Lists NGO");
        using var anonymous = api.Anonymous();

        var created = await contributor.PostOkAsync("/api/v1/lists", List("Lista A"));
        var upload = await UploadAsync(contributor, created.Id(), $"fullName,birthDate\n{Unique("Ana")},1980\n{Unique("Luis")},\n");
        var read = await anonymous.GetOkAsync($"/api/v1/lists/{created.Id()}");
        var listed = await anonymous.GetOkAsync("/api/v1/lists?limit=500&metric=Releases");

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(0, created["size"]!.GetValue<int>());
        Assert.Equal("Lista A", read["title"]!.GetValue<string>());
        Assert.Equal("2011-02-01T18:00:00-04:00", read["statedAt"]!.GetValue<string>());
        Assert.Equal("2011-01-31", read["period"]!["to"]!.GetValue<string>());
        Assert.Equal(2, read["size"]!.GetValue<int>());
        Assert.Equal("Lists NGO", read["organization"]!.GetValue<string>());
        Assert.Contains(listed["items"]!.AsArray(), l => l!.Id() == created.Id());
    }

    [Fact]
    public async Task A_list_needs_its_fields_and_a_claim_counting_what_it_lists()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Lists NGO");
        var detained = await contributor.PostOkAsync("/api/v1/claims", new
        {
            claimant = "Government of Testland", claimantKind = "Government", metric = "Detained", statedAt = "2011-02-01T18:00:00Z",
            period = new { from = "2011-01-01", to = "2011-01-31" }, count = new { qualifier = "Exactly", value = 3 }, originalText = "3",
        });

        var missing = await contributor.PostAsJsonAsync("/api/v1/lists", new { title = "x", claimant = "y" }, Ct);
        var mismatched = await contributor.PostAsJsonAsync("/api/v1/lists", List(claimId: detained.Id()), Ct);
        var problem = await missing.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("claimantKind", problem["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("metric", problem["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Conflict, mismatched.StatusCode);
    }

    [Fact]
    public async Task Entries_are_all_or_nothing_and_uploaded_once()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Lists NGO");
        using var other = await api.ClientAsync(Role.Contributor, "Other Lists NGO");
        var list = (await contributor.PostOkAsync("/api/v1/lists", List())).Id();

        var invalid = await UploadAsync(contributor, list, "fullName,birthDate,nationalities\nAna,1980-13,VE\n,1980,VE\nLuis,1970,XX\n");
        var problem = await invalid.ReadObjectAsync();
        var afterInvalid = await contributor.GetOkAsync($"/api/v1/lists/{list}");
        var foreign = await UploadAsync(other, list, "fullName\nAna\n");
        var json = await contributor.PostAsync($"/api/v1/lists/{list}/entries",
            new StringContent($$"""[{"fullName":"{{Unique("Ana")}}","otherNames":["La Negra"]},{"fullName":"{{Unique("Luis")}}"}]""", Encoding.UTF8, "application/json"), Ct);
        var again = await UploadAsync(contributor, list, "fullName\nAna\n");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal([(2, "birthDate"), (3, "fullName"), (4, "nationalities")],
            problem["rowErrors"]!.AsArray().Select(e => (e!["line"]!.GetValue<int>(), e["field"]!.GetValue<string>())).Order());
        Assert.Equal(0, afterInvalid["size"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(2, (await json.ReadObjectAsync())["size"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("A list's entries are uploaded once", await again.TitleAsync());
    }

    [Fact]
    public async Task Every_outcome_is_counted_exactly_as_of_two_moments()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LISTS_TEST_SEED"), CultureInfo.InvariantCulture, out var replay) ? replay : Environment.TickCount;
        var random = new Random(seed);
        var message = $"seed {seed} (replay with LISTS_TEST_SEED={seed})";
        using var contributor = await api.ClientAsync(Role.Contributor, "Reconciling NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Reconciling Verifiers");
        using var anonymous = api.Anonymous();
        var prison = await Records.FacilityAsync(contributor);
        var home = await Records.FacilityAsync(contributor, "HouseArrest");
        var rows = new List<string>();
        var birth = 0;

        // Each person is listed by external id or by name and the same birth date (Exact or Strong).
        async Task<Guid> ListedPersonAsync()
        {
            var name = Unique("Persona");
            var born = new DateOnly(1950, 1, 1).AddDays(birth++).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var externalId = Guid.NewGuid().ToString("N");
            var id = await PersonAsync(contributor, name, born, externalId);
            rows.Add(random.Next(2) == 0 ? $"{Unique("Otro nombre")},,test-list:{externalId}" : $"{name},{born},");
            return id;
        }

        async Task<Guid> ReleasedAsync(string on)
        {
            var detention = await Records.DetentionAsync(contributor, await ListedPersonAsync(), prison, "2010");
            return await Records.ReleaseAsync(contributor, detention, on);
        }

        async Task DecideAsync(Guid release, string status)
        {
            var response = await Records.DecideAsync(verifier, release, status, "2011-02-10T12:00:00Z", "checked");
            Assert.True(response.IsSuccessStatusCode, $"{message}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        int N() => random.Next(0, 4);
        var (verified, rejected, unverified, held, houseArrest, outside, noDetention, unknown, weak, duplicates) =
            (N(), N(), N(), N(), N(), N(), N(), N(), N(), N());
        for (var i = 0; i < verified; i++)
        {
            await DecideAsync(await ReleasedAsync("2011-01-10"), "Verified");
        }

        for (var i = 0; i < rejected; i++)
        {
            await DecideAsync(await ReleasedAsync("2011-01-11"), "Rejected");
        }

        for (var i = 0; i < unverified; i++)
        {
            await ReleasedAsync("2011-01-12");
        }

        for (var i = 0; i < held; i++)
        {
            await Records.DetentionAsync(contributor, await ListedPersonAsync(), prison, "2010");
        }

        for (var i = 0; i < houseArrest; i++)
        {
            await Records.DetentionAsync(contributor, await ListedPersonAsync(), home, "2010");
        }

        for (var i = 0; i < outside; i++)
        {
            await ReleasedAsync("2010-06-01");
        }

        for (var i = 0; i < noDetention; i++)
        {
            await ListedPersonAsync();
        }

        for (var i = 0; i < unknown; i++)
        {
            rows.Add($"{Unique("Nadie")},1960-01-01,");
        }

        for (var i = 0; i < weak; i++)
        {
            var name = Unique("Homónimo");
            await PersonAsync(contributor, name);
            rows.Add($"{name},1961-02-03,"); // a birth date the record lacks: a name only, Weak, Unresolved
        }

        var listed = rows.Count;
        for (var i = 0; i < duplicates; i++)
        {
            rows.Add(rows[random.Next(listed)]);
        }

        var list = await ListWithEntriesAsync(contributor, "fullName,birthDate,externalId\n" + string.Join('\n', rows) + "\n");

        var later = Expect(("releaseVerified", verified), ("releaseRejected", rejected), ("releaseUnverified", unverified), ("stillDetained", held),
            ("houseArrest", houseArrest), ("releasedOutsidePeriod", outside), ("noDetentionRecord", noDetention), ("noVisibleMatch", unknown),
            ("unresolved", weak), ("duplicateInList", duplicates));
        // Before the decisions occurred, the verified and rejected releases were still only reported.
        var earlier = new Dictionary<string, int>(later)
        {
            ["releaseVerified"] = 0, ["releaseRejected"] = 0, ["releaseUnverified"] = verified + rejected + unverified,
        };
        var now = await OutcomesAsync(anonymous, list);
        var then = await OutcomesAsync(anonymous, list, "?asOf=2011-02-05");
        var reconciliation = await anonymous.GetOkAsync($"/api/v1/lists/{list}/reconciliation");

        Assert.True(later.OrderBy(o => o.Key).SequenceEqual(now.OrderBy(o => o.Key)), $"{message}: {string.Join(", ", now)}");
        Assert.True(earlier.OrderBy(o => o.Key).SequenceEqual(then.OrderBy(o => o.Key)), $"{message}: {string.Join(", ", then)}");
        Assert.Equal(rows.Count, reconciliation["entries"]!.GetValue<int>());
        Assert.Equal(rows.Count - duplicates, reconciliation["distinctPersons"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_decided_match_changes_the_outcome_and_an_exact_one_is_overruled_only_by_who_holds_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Deciding NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Deciding NGO");
        using var outsider = await api.ClientAsync(Role.Verifier, "Outside Verifiers");
        using var anonymous = api.Anonymous();
        var prison = await Records.FacilityAsync(contributor);
        var (weakName, exactId) = (Unique("Homónima"), Guid.NewGuid().ToString("N"));
        var namesake = await PersonAsync(contributor, weakName);
        await Records.DetentionAsync(contributor, namesake, prison, "2010");
        var exact = await PersonAsync(contributor, Unique("Exacta"), externalId: exactId);
        var list = await ListWithEntriesAsync(contributor, $"fullName,birthDate,externalId\n{weakName},1970-01-01,\n{Unique("Otra")},,test-list:{exactId}\n");
        var before = await OutcomesAsync(anonymous, list);

        var decided = await verifier.PostAsJsonAsync($"/api/v1/lists/{list}/entries/1/match", new { detaineeId = namesake, note = "Same person." }, Ct);
        var afterDecision = await OutcomesAsync(anonymous, list);
        var overruled = await outsider.PostAsJsonAsync($"/api/v1/lists/{list}/entries/2/match", new { detaineeId = (Guid?)null, note = "Not her." }, Ct);
        var nobody = await verifier.PostAsJsonAsync($"/api/v1/lists/{list}/entries/2/match", new { detaineeId = (Guid?)null, note = "Not her." }, Ct);
        var afterNobody = await OutcomesAsync(anonymous, list);
        var unknownPerson = await verifier.PostAsJsonAsync($"/api/v1/lists/{list}/entries/1/match", new { detaineeId = Guid.NewGuid(), note = "?" }, Ct);
        var noEntry = await verifier.PostAsJsonAsync($"/api/v1/lists/{list}/entries/3/match", new { detaineeId = namesake, note = "?" }, Ct);
        var audit = await api.Admin().GetOkAsync($"/api/v1/audit?entityType=MatchDecision&limit=500");

        Assert.Equal(1, before["unresolved"]);
        Assert.Equal(1, before["noDetentionRecord"]);
        Assert.Equal(HttpStatusCode.Created, decided.StatusCode);
        var body = await decided.ReadObjectAsync();
        Assert.Equal("Deciding NGO", body["organization"]!.GetValue<string>());
        Assert.Equal("StillDetained", body["entry"]!["outcome"]!.GetValue<string>());
        Assert.Equal(namesake, body["entry"]!["person"]!.Id());
        Assert.Equal(0, afterDecision["unresolved"]);
        Assert.Equal(1, afterDecision["stillDetained"]);
        Assert.Equal(HttpStatusCode.Conflict, overruled.StatusCode);
        Assert.Equal(HttpStatusCode.Created, nobody.StatusCode);
        Assert.Equal(0, afterNobody["noDetentionRecord"]);
        Assert.Equal(1, afterNobody["noVisibleMatch"]);
        Assert.Equal(HttpStatusCode.BadRequest, unknownPerson.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noEntry.StatusCode);
        Assert.Contains(audit["items"]!.AsArray(), e => e!["entityId"]!.GetValue<Guid>() == body.Id());
        _ = exact;
    }

    [Fact]
    public async Task A_list_naming_someone_elses_protected_person_shows_no_visible_match_to_others_and_the_real_outcome_to_the_holder()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Holding NGO");
        using var holderReader = await api.ClientAsync(Role.Researcher, "Holding NGO");
        using var asker = await api.ClientAsync(Role.Contributor, "Asking NGO");
        using var anonymous = api.Anonymous();
        var name = Unique("Protegida");
        var person = await PersonAsync(holder, name, "1975-04-04", isProtected: true, nationalId: "V-" + Guid.NewGuid().ToString("N")[..8]);
        await Records.DetentionAsync(holder, person, await Records.FacilityAsync(holder), "2010");
        var list = await ListWithEntriesAsync(asker, $"fullName,birthDate\n{name},1975-04-04\n");

        var toAsker = await OutcomesAsync(asker, list);
        var toAnonymous = await OutcomesAsync(anonymous, list);
        var toHolder = await OutcomesAsync(holderReader, list);
        var rowsToAsker = await asker.GetOkAsync($"/api/v1/lists/{list}/entries");
        var rowsToHolder = await holderReader.GetOkAsync($"/api/v1/lists/{list}/entries");
        var csvToAsker = await asker.GetStringAsync($"/api/v1/lists/{list}/entries?format=csv", Ct);

        Assert.Equal(Expect(("noVisibleMatch", 1)), toAsker);
        Assert.Equal(Expect(("noVisibleMatch", 1)), toAnonymous);
        Assert.Equal(Expect(("stillDetained", 1)), toHolder);
        var unseen = rowsToAsker["items"]![0]!;
        Assert.Equal("NoVisibleMatch", unseen["outcome"]!.GetValue<string>());
        Assert.Equal("None", unseen["matchLevel"]!.GetValue<string>());
        Assert.Null(unseen["person"]);
        Assert.Equal(person, rowsToHolder["items"]![0]!["person"]!.Id());
        Assert.Equal("Strong", rowsToHolder["items"]![0]!["matchLevel"]!.GetValue<string>());
        Assert.DoesNotContain(person.ToString(), csvToAsker, StringComparison.Ordinal);
        Assert.Contains("NoVisibleMatch", csvToAsker, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_national_id_matches_only_within_the_lists_own_organization()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "National Id NGO");
        using var other = await api.ClientAsync(Role.Contributor, "Other National Id NGO");
        var nationalId = "V-" + Guid.NewGuid().ToString("N")[..10];
        var person = await PersonAsync(holder, Unique("Cédula"), nationalId: nationalId);
        var csv = $"fullName,nationalId\n{Unique("Otro")},{nationalId}\n";

        var own = await ListWithEntriesAsync(holder, csv);
        var foreign = await ListWithEntriesAsync(other, csv);
        var ownRows = await holder.GetOkAsync($"/api/v1/lists/{own}/entries");
        var foreignRows = await other.GetOkAsync($"/api/v1/lists/{foreign}/entries");

        Assert.Equal("Exact", ownRows["items"]![0]!["matchLevel"]!.GetValue<string>());
        Assert.Equal(person, ownRows["items"]![0]!["person"]!.Id());
        Assert.Equal("None", foreignRows["items"]![0]!["matchLevel"]!.GetValue<string>());
        Assert.DoesNotContain("nationalId", ownRows.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_known_at_matches_and_decisions_recorded_later_do_not_count()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Knowing NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Knowing NGO");
        using var anonymous = api.Anonymous();
        var (strong, weak) = (Unique("Fuerte"), Unique("Débil"));
        await PersonAsync(contributor, strong, "1980-01-01");
        var namesake = await PersonAsync(contributor, weak);
        var beforeUpload = DateTimeOffset.UtcNow.AddSeconds(-1);
        var list = await ListWithEntriesAsync(contributor, $"fullName,birthDate\n{strong},1980-01-01\n{weak},\n");
        var afterUpload = DateTimeOffset.UtcNow;
        await Task.Delay(50, Ct);
        await verifier.PostOkAsync($"/api/v1/lists/{list}/entries/2/match", new { detaineeId = namesake, note = "Same person." });
        string At(DateTimeOffset moment) => "?knownAt=" + Uri.EscapeDataString(moment.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));

        Assert.Equal(Expect(("noVisibleMatch", 2)), await OutcomesAsync(anonymous, list, At(beforeUpload)));
        Assert.Equal(Expect(("noDetentionRecord", 1), ("unresolved", 1)), await OutcomesAsync(anonymous, list, At(afterUpload)));
        Assert.Equal(Expect(("noDetentionRecord", 2)), await OutcomesAsync(anonymous, list));
    }

    [Fact]
    public async Task The_claim_a_list_backs_stands_beside_its_distinct_persons_and_verified_count()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Backing NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Backing Verifiers");
        var claim = await contributor.PostOkAsync("/api/v1/claims", new
        {
            claimant = "Government of Testland", claimantKind = "Government", metric = "Releases", statedAt = "2011-02-01T18:00:00Z",
            period = new { from = "2011-01-01", to = "2011-01-31" }, count = new { qualifier = "MoreThan", value = 2 }, originalText = "más de 2",
        });
        var name = Unique("Liberada");
        var person = await PersonAsync(contributor, name, "1990-09-09");
        var detention = await Records.DetentionAsync(contributor, person, await Records.FacilityAsync(contributor), "2010");
        var release = await Records.ReleaseAsync(contributor, detention, "2011-01-15");
        Assert.True((await Records.DecideAsync(verifier, release, "Verified", "2011-01-20T00:00:00Z", "seen")).IsSuccessStatusCode);
        var list = await ListWithEntriesAsync(contributor, $"fullName,birthDate\n{name},1990-09-09\n{name},1990-09-09\n{Unique("Nadie")},\n", claim.Id());

        var backed = (await api.Anonymous().GetOkAsync($"/api/v1/lists/{list}/reconciliation"))["claim"]!;

        Assert.Equal(claim.Id(), backed["claimId"]!.GetValue<Guid>());
        Assert.Equal("more than 2", backed["display"]!.GetValue<string>());
        Assert.Equal(3, backed["lowerBound"]!.GetValue<int>());
        Assert.Equal(2, backed["distinctPersons"]!.GetValue<int>());
        Assert.Equal(1, backed["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_database_matches_every_entry_as_the_domain_rules_do()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LISTS_TEST_SEED"), CultureInfo.InvariantCulture, out var replay) ? replay : Environment.TickCount;
        var random = new Random(seed);
        var token = Guid.NewGuid().ToString("N")[..8];
        const string organization = "Matching Rules NGO";
        using var contributor = await api.ClientAsync(Role.Contributor, organization);
        using var other = await api.ClientAsync(Role.Contributor, "Matching Rules Other NGO");
        // A few names, birth dates of every precision and a few identifiers, so that every level and ties occur.
        string[] names = [$"Ana {token}", $"ANA  {token}", $"José {token}", $"Jose {token} Pérez", $"Luz {token}"];
        string?[] births = [null, "1970", "1970-05", "1970-05-02", "1970-05-03", "1971"];
        string? Pick(string?[] items) => items[random.Next(items.Length)];
        var people = new List<RecordPerson>();
        for (var i = 0; i < 14; i++)
        {
            var holder = random.Next(3) == 0 ? other : contributor;
            var (name, birth) = (names[random.Next(names.Length)], Pick(births));
            string[] otherNames = random.Next(4) == 0 ? [names[random.Next(names.Length)]] : [];
            var externalId = random.Next(3) == 0 ? $"{token}-{i}" : null;
            var nationalId = random.Next(3) == 0 ? $"V-{token}-{random.Next(4)}" : null;
            var id = (await holder.PostOkAsync("/api/v1/detainees", new
            {
                fullName = name, otherNames, gender = "Male", birthDate = birth, nationalities = new[] { "VE" }, categories = Array.Empty<string>(),
                isProtected = false, nationalId,
                externalIds = externalId is null ? Array.Empty<object>() : [new { scheme = "rules", value = externalId }],
            })).Id();
            people.Add(new RecordPerson(id, name, otherNames, birth is null ? null : PartialDate.Parse(birth),
                externalId is null ? [] : [new ExternalId("rules", externalId)], nationalId, holder == other ? "Matching Rules Other NGO" : organization));
        }

        var entries = Enumerable.Range(1, 40).Select(n => new ListedPerson(n, n + 1, names[random.Next(names.Length)],
            random.Next(4) == 0 ? [names[random.Next(names.Length)]] : [], Pick(births) is { } b ? PartialDate.Parse(b) : null,
            random.Next(3) == 0 ? $"V-{token}-{random.Next(4)}" : null, random.Next(4) == 0 ? [new ExternalId("rules", $"{token}-{random.Next(14)}")] : [],
            [], null, null, null)).ToList();
        var csv = new StringBuilder("fullName,otherNames,birthDate,nationalId,externalId\n");
        foreach (var e in entries)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.FullName},{string.Join(';', e.OtherNames)},{e.BirthDate},{e.NationalId},")
                .Append(string.Join(';', e.ExternalIds.Select(x => $"{x.Scheme}:{x.Value}"))).Append('\n');
        }

        var list = await ListWithEntriesAsync(contributor, csv.ToString());
        var rows = (await contributor.GetOkAsync($"/api/v1/lists/{list}/entries?limit=500"))["items"]!.AsArray();

        foreach (var entry in entries)
        {
            var expected = MatchRules.Resolve(people.Select(p => (p.Id, Level: MatchRules.LevelOf(entry, organization, p)))
                .Where(c => c.Level is not null).Select(c => (c.Id, c.Level!.Value)));
            var row = rows.Single(r => r!["number"]!.GetValue<int>() == entry.Number)!;
            Assert.True(expected.Level.ToString() == row["matchLevel"]!.GetValue<string>(), $"seed {seed}, entry {entry.Number}: {row.ToJsonString()}");
            Assert.Equal(expected.Matched, row["person"]?["id"]?.GetValue<Guid>());
        }
    }

    [Fact]
    public async Task Recording_a_list_uploading_its_entries_and_deciding_a_match_each_appear_in_the_change_feed()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Feed Lists NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Feed Lists NGO");
        var name = Unique("Alimentada");
        var person = await PersonAsync(contributor, name);
        var before = await ChangeFeed.LastSequenceAsync(contributor);

        var list = await ListWithEntriesAsync(contributor, $"fullName\n{name}\n");
        await verifier.PostOkAsync($"/api/v1/lists/{list}/entries/1/match", new { detaineeId = person, note = "Same person." });
        var changes = await ChangeFeed.ReadAsync(contributor, before, c => c["entityId"]!.GetValue<Guid>() == list);

        Assert.Equal(["Created", "Updated", "Decided"], changes.Select(c => c["action"]!.GetValue<string>()));
        Assert.All(changes, c => Assert.Equal("NamedList", c["entityType"]!.GetValue<string>()));
        Assert.All(changes, c => Assert.Empty(ChangeFeed.ForeignNames(c.ToJsonString())));
    }
}
