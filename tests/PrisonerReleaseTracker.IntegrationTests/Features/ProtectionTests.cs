using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Every operation of the live OpenAPI document, and every other endpoint the app routes to (the public page, its embed
/// and downloads, the health checks), called by another organization than the one that holds a protected person (or by
/// an anonymous reader, for what is anonymous): nothing that identifies the person, or hangs off them, reaches it (names, birth date, identifiers, national
/// id, notes; release and decision notes and sources; arrest place, authority and charges; the url and title of a source
/// cited for them, even where a public person's release cites it too). The person appears under the pseudonym where a
/// person is shown. An operation missing from the table fails the test: no endpoint ships without a decision on what
/// it shows of persons. The operators' key (Admin) makes every read again and must see no more than another organization.
/// </summary>
public sealed partial class ProtectionTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_operation_shows_another_organizations_protected_person_or_what_hangs_off_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await World.CreateAsync(api, receiver);
        var cases = Cases(world);
        using var anonymous = api.Anonymous();
        var document = await anonymous.GetOkAsync("/swagger/v1/swagger.json");
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .ToList();
        // What the document leaves out is routed all the same: the page and its downloads show figures to anyone.
        operations.AddRange(RoutedOperations().Except(operations).Order(StringComparer.Ordinal));

        var undecided = operations.Where(op => !cases.ContainsKey(op)).ToList();
        Assert.True(undecided.Count == 0, "No decision on what these operations show of persons: " + string.Join(", ", undecided));
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var (client, build, check) = cases[operation];
            using var request = await build();
            using var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            failures.AddRange(world.Secrets.Where(secret => body.Contains(secret, StringComparison.OrdinalIgnoreCase))
                .Select(secret => $"{operation} answered {(int)response.StatusCode} with \"{secret}\""));
            if (check is not null)
            {
                failures.AddRange((await check(response, body)).Select(failure => $"{operation}: {failure}"));
            }
        }

        // The operators' key holds no record: every read another organization, or anyone, makes, it makes with the same
        // answer (the keys and the audit log are its own to read: they must only carry nothing of the person).
        using var operatorKey = api.Admin();
        var reads = operations.Where(op => (op.StartsWith("GET ", StringComparison.Ordinal) || op.StartsWith("* ", StringComparison.Ordinal))
            && (cases[op].Client == world.Other || !cases[op].Client.DefaultRequestHeaders.Contains("X-Api-Key"))).ToList();
        Assert.Contains("GET /api/v1/detainees/{id}", reads);
        foreach (var operation in reads)
        {
            var (_, build, check) = cases[operation];
            using var request = await build();
            using var response = await operatorKey.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            failures.AddRange(world.Secrets.Where(secret => body.Contains(secret, StringComparison.OrdinalIgnoreCase))
                .Select(secret => $"{operation} answered the operator {(int)response.StatusCode} with \"{secret}\""));
            if (check is not null && !OperatorsOwn.Contains(operation))
            {
                failures.AddRange((await check(response, body)).Select(failure => $"{operation} as the operator: {failure}"));
            }
        }

        await world.OtherContributor.DeleteAsync(world.Hook!.Value);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>What the operators' key reads that other organizations may not: keys and the audit log.</summary>
    private static readonly string[] OperatorsOwn = ["GET /api/v1/api-keys", "GET /api/v1/api-keys/{id}", "GET /api/v1/audit", "GET /api/v1/audit/verification"];

    [Fact]
    public async Task The_holding_organization_sees_all_of_it()
    {
        var world = await World.CreateAsync(api);

        var person = await world.Holder.GetOkAsync($"/api/v1/detainees/{world.Person}");
        var detention = await world.Holder.GetOkAsync($"/api/v1/detentions/{world.Detention}");
        var release = await world.Holder.GetOkAsync($"/api/v1/releases/{world.Release}");
        var decisions = await world.Holder.GetOkAsync($"/api/v1/releases/{world.Release}/verifications");
        var source = await world.Holder.GetOkAsync($"/api/v1/sources/{world.CitedSource}");
        var duplicates = await ImportsTests.ImportOkAsync(world.Holder, $"fullName,birthDate\n{world.Name},1971-04-02\n", "?dryRun=true");
        var list = await NamedListAsync(world.Holder, world);
        var entries = await world.Holder.GetOkAsync($"/api/v1/lists/{list}/entries");

        Assert.Equal(world.Name, person["fullName"]!.GetValue<string>());
        Assert.Equal($"Lugar {world.Marker}", detention["arrestPlace"]!.GetValue<string>());
        Assert.Equal($"Liberacion {world.Marker}", release["note"]!.GetValue<string>());
        Assert.Equal(world.CitedSourceUrl, release["sources"]![0]!["url"]!.GetValue<string>());
        Assert.Equal($"Decision {world.Marker}", decisions[0]!["note"]!.GetValue<string>());
        Assert.Equal(world.CitedSourceUrl, source["url"]!.GetValue<string>());
        Assert.Contains(duplicates["possibleDuplicates"]!.AsArray(), d => d!["existingDetaineeId"]?.GetValue<Guid>() == world.Person);
        Assert.Equal(world.Person, entries["items"]![0]!["person"]!.Id());
        Assert.Equal("Exact", entries["items"]![0]!["matchLevel"]!.GetValue<string>()); // the holder's own national id
        Assert.Equal("ReleaseUnverified", entries["items"]![0]!["outcome"]!.GetValue<string>());
    }

    /// <summary>
    /// Every endpoint the app routes to, in the document's notation (<c>GET /api/v1/releases/{id}</c>; <c>*</c> for an
    /// endpoint that takes any method), read from the app's own routing, so an endpoint left out of the document is not
    /// left out of this test.
    /// </summary>
    private IEnumerable<string> RoutedOperations() =>
        api.Factory.Services.GetServices<EndpointDataSource>().SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} /{Parameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), "{$1}")}"))
            .Distinct();

    /// <summary>A route parameter with its constraints, default or optional mark (<c>{id:guid}</c>): the document writes <c>{id}</c>.</summary>
    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex Parameter();

    private Dictionary<string, (HttpClient Client, Func<Task<HttpRequestMessage>> Build, Func<HttpResponseMessage, string, Task<List<string>>>? Check)> Cases(World w)
    {
        static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);
        static HttpRequestMessage Post(string url, object body) => new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        static Task<HttpRequestMessage> Now(HttpRequestMessage request) => Task.FromResult(request);
        static Task<List<string>> Refused(HttpResponseMessage response, string _) =>
            Task.FromResult(response.StatusCode == HttpStatusCode.Forbidden ? new List<string>() : [$"expected 403, got {(int)response.StatusCode}"]);
        Task<List<string>> Pseudonymous(HttpResponseMessage response, string body) => Task.FromResult(
            response.IsSuccessStatusCode && body.Contains(w.Pseudonym, StringComparison.Ordinal) ? new List<string>()
                : [$"expected the pseudonym {w.Pseudonym} in a success, got {(int)response.StatusCode}"]);
        Task<List<string>> Succeeds(HttpResponseMessage response, string body) => Task.FromResult(
            response.IsSuccessStatusCode ? new List<string>() : [$"expected a success, got {(int)response.StatusCode}: {body}"]);
        object Claim() => new
        {
            claimant = $"Protection Ministry {w.Marker}", claimantKind = "Government", metric = "Releases", statedAt = "2026-01-11T12:00:00Z",
            period = new { from = "2026-01-10", to = "2026-01-10" }, count = new { qualifier = "Exactly", value = 1 }, originalText = "uno",
        };
        var claim = w.OtherContributor.PostOkAsync("/api/v1/claims", Claim());
        // Another organization's list naming the protected person as a list would: the same name folded (accents differ), the
        // birth month, and the person's national id (never compared across organizations, never returned).
        var namingList = NamedListAsync(w.OtherContributor, w);
        // A tally over the protected person's release day: its inputs and its check say nothing of who was released.
        object Tally() => new { title = $"Protection tally {w.Marker}", from = w.ReleasedOn, to = w.ReleasedOn, asOf = "2026-01-12T00:00:00Z", groupBy = "category" };
        var tally = w.OtherVerifier.PostOkAsync("/api/v1/tallies", Tally());
        async Task<string> TallyAt(string tail = "") => $"/api/v1/tallies/{(await tally)["number"]}{tail}";
        var facility = Records.FacilityAsync(w.OtherContributor);
        var hook = w.Hook!.Value;
        var spareHook = w.OtherContributor.SubscribeAsync(w.Receiver!.Url, ("Facility", "Created"));
        // The feed and the webhooks carry a change's record id and what happened, never a field of the record.
        List<string> FeedOnly(string body) => [.. ChangeFeed.ForeignNames(body).Select(name => $"names {name}, a field of the record")];
        // The public page is anonymous: it reads the totals through the service behind /api/v1/totals, for the world's day.
        var reader = api.Factory.CreateClient();
        var day = $"from={w.ReleasedOn}&to={w.ReleasedOn}&lang=en";

        return new()
        {
            // Keys, the audit log, claims, facilities and totals hold no person; what reaches another organization of them is checked all the same.
            ["GET /api/v1/api-keys"] = (w.Other, () => Now(Get("/api/v1/api-keys")), Refused),
            ["POST /api/v1/api-keys"] = (w.Other, () => Now(Post("/api/v1/api-keys", new { name = "p", organization = "x", role = "Researcher" })), Refused),
            ["GET /api/v1/api-keys/{id}"] = (w.Other, () => Now(Get($"/api/v1/api-keys/{Guid.NewGuid()}")), Refused),
            ["DELETE /api/v1/api-keys/{id}"] = (w.Other, () => Now(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/api-keys/{Guid.NewGuid()}")), Refused),
            ["GET /api/v1/audit"] = (w.Other, () => Now(Get($"/api/v1/audit?entityType=Detainee&entityId={w.Person}")), Refused),
            ["GET /api/v1/audit/verification"] = (w.Other, () => Now(Get("/api/v1/audit/verification")), Refused),
            ["GET /api/v1/claims"] = (w.Other, () => Now(Get("/api/v1/claims?metric=Releases&statedFrom=2026-01-11&statedTo=2026-01-11")), Succeeds),
            ["POST /api/v1/claims"] = (w.Other, () => Now(Post("/api/v1/claims", Claim())), null),
            ["GET /api/v1/claims/{id}"] = (w.Other, async () => Get($"/api/v1/claims/{(await claim).Id()}"), Succeeds),
            ["POST /api/v1/claims/{id}/retraction"] = (w.Other, async () => Post($"/api/v1/claims/{(await claim).Id()}/retraction", new { note = "no" }), null),
            ["GET /api/v1/facilities"] = (w.Other, () => Now(Get("/api/v1/facilities?country=VE")), Succeeds),
            ["POST /api/v1/facilities"] = (w.OtherContributor, () => Now(Post("/api/v1/facilities", new { name = $"Prison {Guid.NewGuid():N}", kind = "Prison", country = "VE" })), Succeeds),
            ["GET /api/v1/facilities/{id}"] = (w.Other, async () => Get($"/api/v1/facilities/{await facility}"), Succeeds),
            ["GET /api/v1/tallies"] = (w.Other, () => Now(Get("/api/v1/tallies?limit=500")), Succeeds),
            ["POST /api/v1/tallies"] = (w.OtherVerifier, () => Now(Post("/api/v1/tallies", Tally())), Succeeds),
            ["GET /api/v1/tallies/{number}"] = (w.Other, async () => Get(await TallyAt()), Succeeds),
            ["GET /api/v1/tallies/{number}/inputs"] = (w.Other, async () => Get(await TallyAt("/inputs?format=csv")), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && !body.Contains(w.Release.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? new List<string>() : [$"expected the inputs without the release's id, got {(int)response.StatusCode}"])),
            ["GET /api/v1/tallies/{number}/check"] = (w.Other, async () => Get(await TallyAt("/check")), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && !body.Contains(w.Release.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? new List<string>() : [$"expected a check without the protected person's release, got {(int)response.StatusCode}"])),
            ["GET /api/v1/totals"] = (w.Other, () => Now(Get($"/api/v1/totals?from={w.ReleasedOn}&to={w.ReleasedOn}&groupBy=category")), Succeeds),
            ["GET /api/v1/totals/timeline"] = (w.Other, () => Now(Get($"/api/v1/totals/timeline?from={w.ReleasedOn}&to={w.ReleasedOn}")), Succeeds),

            // The public page, its embed and downloads (outside the document): figures only, to anyone.
            ["GET /"] = (reader, () => Now(Get($"/?{day}")), Succeeds),
            ["GET /embed"] = (reader, () => Now(Get($"/embed?{day}")), Succeeds),
            ["GET /page/figures.csv"] = (reader, () => Now(Get($"/page/figures.csv?{day}")), Succeeds),
            ["GET /page/timeline.svg"] = (reader, () => Now(Get($"/page/timeline.svg?{day}")), Succeeds),
            ["GET /page/claims.svg"] = (reader, () => Now(Get($"/page/claims.svg?{day}")), Succeeds),
            ["GET /page/assets/{name}"] = (reader, () => Now(Get("/page/assets/page.js")), Succeeds),
            ["* /health/live"] = (reader, () => Now(Get("/health/live")), Succeeds),
            ["* /health/ready"] = (reader, () => Now(Get("/health/ready")), Succeeds),

            // The change feed and the webhooks: the person's changes reach another organization as ids and actions only.
            ["GET /api/v1/changes"] = (w.Other, () => Now(Get($"/api/v1/changes?entityType=Detainee&limit=500{ChangeFeed.CursorAfter(w.FeedBefore)}")), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && body.Contains(w.Person.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? FeedOnly(body) : [$"expected the person's change in a success, got {(int)response.StatusCode}"])),
            ["GET /api/v1/webhooks"] = (w.OtherContributor, () => Now(Get("/api/v1/webhooks")), Succeeds),
            ["POST /api/v1/webhooks"] = (w.OtherContributor, () => Now(Post("/api/v1/webhooks", new
            {
                url = w.Receiver.Url.ToString(), events = new[] { new { entityType = "Facility", action = "Created" } },
            })), async (response, body) =>
            {
                var failures = await Succeeds(response, body);
                if (response.IsSuccessStatusCode)
                {
                    await w.OtherContributor.DeleteAsync(JsonNode.Parse(body)!["webhook"]!.Id());
                }

                return failures;
            }),
            ["GET /api/v1/webhooks/{id}"] = (w.OtherContributor, () => Now(Get($"/api/v1/webhooks/{hook}")), Succeeds),
            ["DELETE /api/v1/webhooks/{id}"] = (w.OtherContributor, async () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/webhooks/{(await spareHook).Id}"), Succeeds),
            ["POST /api/v1/webhooks/{id}/rotate-secret"] = (w.OtherContributor, () => Now(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{hook}/rotate-secret")), Succeeds),
            ["GET /api/v1/webhooks/{id}/deliveries"] = (w.OtherContributor, () => Now(Get($"/api/v1/webhooks/{hook}/deliveries?limit=500")), async (response, body) =>
            {
                // What the subscription was sent about the person and their release, as the receiver got it.
                var payloads = await w.Receiver.WaitForAllAsync(m => m.EntityId == w.Person || m.EntityId == w.Release,
                    found => found.Any(m => m.EntityId == w.Person) && found.Any(m => m.EntityId == w.Release && m.Action == "Decided"));
                return
                [
                    .. await Succeeds(response, body),
                    .. payloads.SelectMany(m => FeedOnly(m.Body)).Select(failure => $"a payload {failure}"),
                    .. payloads.SelectMany(m => w.Secrets.Where(secret => m.Body.Contains(secret, StringComparison.OrdinalIgnoreCase)))
                        .Select(secret => $"a payload carries \"{secret}\""),
                ];
            }),
            ["POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver"] = (w.OtherContributor, async () =>
                new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{hook}/deliveries/{(await w.OtherContributor.WaitForDeliveryAsync(hook, _ => true)).Id()}/redeliver"),
                Succeeds),

            // Named lists: an entry naming someone else's protected person is NoVisibleMatch, in rows and counts, and cannot be decided onto them.
            ["GET /api/v1/lists"] = (w.Other, () => Now(Get("/api/v1/lists?limit=500")), Succeeds),
            ["POST /api/v1/lists"] = (w.OtherContributor, () => Now(Post("/api/v1/lists", NamedList(w))), Succeeds),
            ["GET /api/v1/lists/{id}"] = (w.Other, async () => Get($"/api/v1/lists/{await namingList}"), Succeeds),
            ["POST /api/v1/lists/{id}/entries"] = (w.OtherContributor, async () =>
                new HttpRequestMessage(HttpMethod.Post, $"/api/v1/lists/{(await w.OtherContributor.PostOkAsync("/api/v1/lists", NamedList(w))).Id()}/entries")
                {
                    Content = ImportsTests.Csv(NamingEntries(w)),
                }, (response, body) => Task.FromResult(response.IsSuccessStatusCode && !body.Contains(w.Person.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? new List<string>() : [$"expected a success naming no person, got {(int)response.StatusCode}"])),
            ["GET /api/v1/lists/{id}/entries"] = (w.Other, async () => Get($"/api/v1/lists/{await namingList}/entries"), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && !body.Contains(w.Person.ToString(), StringComparison.OrdinalIgnoreCase)
                    && JsonNode.Parse(body)!["items"]!.AsArray().All(e => e!["outcome"]!.GetValue<string>() == "NoVisibleMatch" && e["matchLevel"]!.GetValue<string>() == "None")
                    ? new List<string>() : [$"expected every entry NoVisibleMatch with no person, got {(int)response.StatusCode}: {body}"])),
            ["GET /api/v1/lists/{id}/reconciliation"] = (reader, async () => Get($"/api/v1/lists/{await namingList}/reconciliation"), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && JsonNode.Parse(body)!["outcomes"]!["noVisibleMatch"]!.GetValue<int>() == 1
                    ? new List<string>() : [$"expected the one entry counted NoVisibleMatch, got {(int)response.StatusCode}: {body}"])),
            ["POST /api/v1/lists/{id}/entries/{number}/match"] = (w.OtherVerifier, async () =>
                Post($"/api/v1/lists/{await namingList}/entries/1/match", new { detaineeId = w.Person, note = "Es ella." }), (response, body) =>
                Task.FromResult(response.StatusCode == HttpStatusCode.BadRequest && !body.Contains(w.Person.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? new List<string>() : [$"expected a 400 as for no such person, got {(int)response.StatusCode}"])),

            // The person, directly, listed, searched, exported.
            ["GET /api/v1/detainees"] = (w.Other, () => Now(Get($"/api/v1/detainees?category={w.Category}&limit=500")), async (response, body) =>
            {
                var failures = await Pseudonymous(response, body);
                var searched = await w.Other.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(w.Name)}");
                return searched["items"]!.AsArray().Count == 0 ? failures : [.. failures, "a name search found the protected person"];
            }),
            ["GET /api/v1/detainees/{id}"] = (w.Other, () => Now(Get($"/api/v1/detainees/{w.Person}")), Pseudonymous),
            ["POST /api/v1/detainees"] = (w.OtherContributor, () => Now(Post("/api/v1/detainees", new { fullName = $"Otra {Guid.NewGuid():N}", gender = "Female", isProtected = false })), Succeeds),
            ["PUT /api/v1/detainees/{id}"] = (w.OtherContributor, async () =>
            {
                var read = await w.OtherContributor.GetAsync($"/api/v1/detainees/{w.Person}", Ct);
                var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{w.Person}")
                {
                    Content = JsonContent.Create(new { fullName = "Cambio", gender = "Female", isProtected = false }),
                };
                request.Headers.IfMatch.Add(read.Headers.ETag!);
                return request;
            }, Refused),
            ["GET /api/v1/exports/detainees"] = (w.Other, () => Now(Get($"/api/v1/exports/detainees?category={w.Category}&format=json")), Pseudonymous),
            ["GET /api/v1/exports/releases"] = (w.Other, () => Now(Get($"/api/v1/exports/releases?category={w.Category}&format=json")), Pseudonymous),
            ["POST /api/v1/imports"] = (w.OtherContributor, () => Now(new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports?dryRun=true")
            {
                Content = ImportsTests.Csv($"fullName,birthDate,sourceUrl\n{w.Name},1971-04-02,{w.CitedSourceUrl}\n"),
            }), (response, body) =>
            {
                var failures = new List<string>();
                var result = JsonNode.Parse(body)!;
                if (body.Contains(w.Person.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add("a possible duplicate names the protected person");
                }

                if (result["sourcesCreated"]?.GetValue<int>() != 1)
                {
                    failures.Add("the import matched a source withheld from the importer (an oracle of what is on record)");
                }

                return Task.FromResult(failures);
            }),

            // What hangs off the person: detentions, releases, decisions, sources.
            ["GET /api/v1/detainees/{detaineeId}/detentions"] = (w.Other, () => Now(Get($"/api/v1/detainees/{w.Person}/detentions")), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && body.Contains(w.Detention.ToString(), StringComparison.Ordinal)
                    ? new List<string>() : [$"expected the detention, got {(int)response.StatusCode}"])),
            ["POST /api/v1/detainees/{detaineeId}/detentions"] = (w.OtherContributor, () => Now(Post($"/api/v1/detainees/{w.Person}/detentions", new { arrestedOn = "2026" })), Refused),
            ["GET /api/v1/detentions/{id}"] = (w.Other, () => Now(Get($"/api/v1/detentions/{w.Detention}")), Succeeds),
            ["POST /api/v1/detentions/{detentionId}/transfers"] = (w.OtherContributor, async () =>
                Post($"/api/v1/detentions/{w.Detention}/transfers", new { facilityId = await facility, transferredOn = "2026-01-05" }), Refused),
            ["GET /api/v1/releases"] = (w.Other, () => Now(Get($"/api/v1/releases?category={w.Category}&limit=500")), async (response, body) =>
            {
                var failures = await Pseudonymous(response, body);
                var publicRelease = await w.Other.GetOkAsync($"/api/v1/releases/{w.PublicRelease}");
                return publicRelease["sources"]![0]!["url"] is null ? failures : [.. failures, "a public person's release shows a source also cited for the protected person"];
            }),
            ["POST /api/v1/releases"] = (w.OtherContributor, () => Now(Post("/api/v1/releases", new
            {
                detentionId = w.Detention, releasedOn = "2026-01-12", kind = "Unknown",
                conditions = new { chargesDropped = (bool?)null, travelBan = false, barredFromPublicStatements = false, mustReportToCourt = false },
            })), Refused),
            ["GET /api/v1/releases/{id}"] = (w.Other, () => Now(Get($"/api/v1/releases/{w.Release}")), Pseudonymous),
            ["GET /api/v1/releases/{id}/verifications"] = (w.Other, () => Now(Get($"/api/v1/releases/{w.Release}/verifications")), Succeeds),
            ["GET /api/v1/releases/{id}/verifications/{sequence}"] = (w.Other, () => Now(Get($"/api/v1/releases/{w.Release}/verifications/1")), Succeeds),
            // A Verifier of another organization may still decide on the release; it sees the decision as it sees the history.
            ["POST /api/v1/releases/{id}/verifications"] = (w.OtherVerifier, () => Now(Post($"/api/v1/releases/{w.Release}/verifications", new
            {
                status = "Disputed", method = "MediaReport", occurredAt = "2026-01-13T10:00:00Z", note = $"Mine {w.Marker}", sourceIds = new[] { w.DecisionSource },
                expectedStatus = "UnderVerification",
            })), Succeeds),
            ["GET /api/v1/sources"] = (w.Other, () => Now(Get($"/api/v1/sources?kind=NewsMedia&limit=500&cursor={w.SourcesPageBefore}")), (response, body) =>
            {
                var listed = response.IsSuccessStatusCode
                    ? JsonNode.Parse(body)!["items"]!.AsArray().FirstOrDefault(s => s!.Id() == w.CitedSource) : null;
                return Task.FromResult(listed is not null && listed["url"] is null && listed["title"] is null
                    ? new List<string>() : ["the list does not show the source cited for the protected person without its url and title"]);
            }),
            ["POST /api/v1/sources"] = (w.OtherContributor, () => Now(Post("/api/v1/sources", new { url = $"https://example.net/{Guid.NewGuid():N}", kind = "Other" })), Succeeds),
            ["GET /api/v1/sources/{id}"] = (w.Other, () => Now(Get($"/api/v1/sources/{w.CitedSource}")), (response, body) =>
                Task.FromResult(response.IsSuccessStatusCode && JsonNode.Parse(body)!["url"] is null ? new List<string>() : ["the url of a source cited for the protected person"])),
        };
    }

    private static object NamedList(World w) => new
    {
        title = $"Lista {w.Marker}", claimant = "Protection Ministry", claimantKind = "Government", statedAt = "2026-01-11T12:00:00Z",
        period = new { from = "2026-01-01", to = "2026-01-11" }, metric = "Releases",
    };

    /// <summary>One entry naming the protected person as a list would: a name that folds to theirs, the birth month, their national id.</summary>
    private static string NamingEntries(World w) => $"fullName,birthDate,nationalId\n{w.Name.Replace("Protegida", "Protégida", StringComparison.Ordinal)},1971-04,V-{w.Marker}\n";

    /// <summary>A list of <paramref name="client"/>'s organization with <see cref="NamingEntries"/>.</summary>
    private static async Task<Guid> NamedListAsync(HttpClient client, World w)
    {
        var list = (await client.PostOkAsync("/api/v1/lists", NamedList(w))).Id();
        (await client.PostAsync($"/api/v1/lists/{list}/entries", ImportsTests.Csv(NamingEntries(w)), Ct)).EnsureSuccessStatusCode();
        return list;
    }

    /// <summary>The cursor of a page that starts after <paramref name="id"/>, as the API writes it.</summary>
    private static string Cursor(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>A protected person of one organization, with everything that can hang off them, and a public person citing the same source.</summary>
    /// <remarks>
    /// With a <see cref="WebhookReceiver"/>, another organization's subscription (<see cref="Hook"/>) to the people's and
    /// the releases' changes exists before the person does; <see cref="FeedBefore"/> is the change feed's last item then.
    /// </remarks>
    private sealed record World(
        string Marker, HttpClient Holder, HttpClient Other, HttpClient OtherContributor, HttpClient OtherVerifier, Guid Person, string Name, string Pseudonym,
        string Category, Guid Detention, Guid Release, Guid PublicRelease, Guid CitedSource, string CitedSourceUrl, Guid DecisionSource, string ReleasedOn,
        string SourcesPageBefore, long FeedBefore, WebhookReceiver? Receiver, Guid? Hook)
    {
        public IReadOnlyList<string> Secrets =>
        [
            Name, $"Alias {Marker}", "1971-04-02", $"V-{Marker}", $"Nota {Marker}", $"P-{Marker}", $"Lugar {Marker}", $"Autoridad {Marker}",
            $"cargo {Marker}", $"Liberacion {Marker}", $"Decision {Marker}", $"Mine {Marker}", $"example.org/{Marker}",
        ];

        public static async Task<World> CreateAsync(ApiFixture api, WebhookReceiver? receiver = null)
        {
            var m = Guid.NewGuid().ToString("N")[..10];
            var holder = await api.ClientAsync(Role.Contributor, $"Holding {m}");
            var third = await api.ClientAsync(Role.Verifier, $"Third {m}");
            var other = await api.ClientAsync(Role.Researcher, $"Other {m}");
            var otherContributor = await api.ClientAsync(Role.Contributor, $"Other {m}");
            Guid? hook = receiver is null ? null : (await otherContributor.SubscribeAsync(receiver.Url, ("Detainee", null), ("Release", null))).Id;
            var feedBefore = await ChangeFeed.LastSequenceAsync(other);
            var category = $"cat-{m}";
            var name = $"Protegida {m}";
            // A page that starts right before the world's sources, whatever other tests recorded: made from a source recorded just before.
            var before = await holder.PostOkAsync("/api/v1/sources", new { url = $"https://example.net/{m}/before", kind = "Other" });
            var cited = await holder.PostOkAsync("/api/v1/sources", new
            {
                url = $"https://example.org/{m}/protegida-liberada", kind = "NewsMedia", title = $"{name} liberada",
            });
            var decisionSource = await holder.PostOkAsync("/api/v1/sources", new { url = $"https://example.org/{m}/decision", kind = "NewsMedia" });
            var person = (await holder.PostOkAsync("/api/v1/detainees", new
            {
                fullName = name, otherNames = new[] { $"Alias {m}" }, gender = "Female", birthDate = "1971-04-02", nationalities = new[] { "VE" },
                categories = new[] { category }, externalIds = new[] { new { scheme = "case", value = $"P-{m}" } }, isProtected = true,
                nationalId = $"V-{m}", notes = $"Nota {m}",
            })).Id();
            var facility = await Records.FacilityAsync(holder);
            var detention = (await holder.PostOkAsync($"/api/v1/detainees/{person}/detentions", new
            {
                arrestedOn = "2024-08", arrestPlace = $"Lugar {m}", arrestingAuthority = $"Autoridad {m}", facilityId = facility, charges = new[] { $"cargo {m}" },
            })).Id();
            var release = (await holder.PostOkAsync("/api/v1/releases", new
            {
                detentionId = detention, releasedOn = "2026-01-10", kind = "Conditional", sourceIds = new[] { cited.Id() }, note = $"Liberacion {m}",
                conditions = new { chargesDropped = false, travelBan = true, barredFromPublicStatements = false, mustReportToCourt = true },
            })).Id();
            (await third.PostAsJsonAsync($"/api/v1/releases/{release}/verifications", new
            {
                status = "UnderVerification", method = "LawyerConfirmation", occurredAt = "2026-01-11T10:00:00Z", note = $"Decision {m}",
                sourceIds = new[] { decisionSource.Id() }, expectedStatus = "Reported",
            }, Ct)).EnsureSuccessStatusCode();

            var publicPerson = await Records.DetaineeAsync(holder, $"Publica {m}", categories: [category]);
            var publicRelease = (await holder.PostOkAsync("/api/v1/releases", new
            {
                detentionId = await Records.DetentionAsync(holder, publicPerson, facility), releasedOn = "2026-01-10", kind = "Unconditional",
                sourceIds = new[] { cited.Id() },
                conditions = new { chargesDropped = true, travelBan = false, barredFromPublicStatements = false, mustReportToCourt = false },
            })).Id();

            var pseudonym = (await other.GetOkAsync($"/api/v1/detainees/{person}"))["fullName"]!.GetValue<string>();
            return new World(m, holder, other, otherContributor, await api.ClientAsync(Role.Verifier, $"Other {m}"),
                person, name, pseudonym, category, detention, release, publicRelease, cited.Id(), cited["url"]!.GetValue<string>(), decisionSource.Id(),
                "2026-01-10", Cursor(before.Id()), feedBefore, receiver, hook);
        }
    }
}
