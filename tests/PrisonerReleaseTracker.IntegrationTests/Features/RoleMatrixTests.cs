using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Every operation of the live OpenAPI document, called by every kind of caller, with the answer each must get.
/// An operation missing from the table fails the test: no endpoint ships without a decision on who may call it.
/// </summary>
public sealed class RoleMatrixTests(ApiFixture api)
{
    private const string Holder = "Matrix Holder";

    // Columns: anonymous, Researcher (holding organization), Contributor (holding), Contributor (another
    // organization), Verifier (another organization), OrganizationAdmin (holding), OrganizationAdmin (another
    // organization), the operators' key (Admin): it manages keys and reads the audit log, and writes and decides nothing.
    private static readonly string[] Callers =
        ["anonymous", "researcher", "contributor", "other contributor", "verifier", "organization admin", "other organization admin", "operator"];

    private static int[] Open => [200, 200, 200, 200, 200, 200, 200, 200];
    private static int[] Read => [401, 200, 200, 200, 200, 200, 200, 200];
    private static int[] Write => [401, 403, 201, 201, 201, 201, 201, 403];
    // Writes into a record of the holding organization: only its Contributor-or-higher keys.
    private static int[] HolderOnly(int ok) => [401, 403, ok, 403, 403, ok, 403, 403];
    private static int[] Decides => [401, 403, 403, 403, 201, 201, 201, 403];
    private static int[] OperatorOnly(int ok) => [401, 403, 403, 403, 403, 403, 403, ok];
    // Keys: the operator manages every key, an OrganizationAdmin its own organization's; another organization's key is not found.
    private static int[] HolderKey(int ok) => [401, 403, 403, 403, 403, ok, 404, ok];
    // The holding organization's Contributor and OrganizationAdmin; another organization does not find it; the operator writes none.
    private static int[] Owned(int ok) => [401, 403, ok, 404, 404, ok, 404, 403];

    [Fact]
    public async Task Every_operation_answers_every_role_as_decided()
    {
        using var anonymous = api.Anonymous();
        var (holder, _, _) = await api.KeyAsync(Role.Contributor, Holder);
        var clients = new[]
        {
            anonymous,
            await api.ClientAsync(Role.Researcher, Holder),
            holder,
            await api.ClientAsync(Role.Contributor, "Matrix Other"),
            await api.ClientAsync(Role.Verifier, "Matrix Verifier"),
            await api.ClientAsync(Role.OrganizationAdmin, Holder),
            await api.ClientAsync(Role.OrganizationAdmin, "Matrix Other"),
            api.Admin(),
        };
        var cases = Cases(holder);
        var document = await anonymous.GetOkAsync("/swagger/v1/swagger.json");
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .ToList();

        var undecided = operations.Where(op => !cases.ContainsKey(op)).ToList();
        Assert.True(undecided.Count == 0, "No expectation for: " + string.Join(", ", undecided));
        var mismatches = new List<string>();
        foreach (var operation in operations)
        {
            var (expected, build) = cases[operation];
            for (var role = 0; role < clients.Length; role++)
            {
                using var request = await build();
                using var response = await clients[role].SendAsync(request, TestContext.Current.CancellationToken);
                if ((int)response.StatusCode != expected[role])
                {
                    mismatches.Add($"{operation} as {Callers[role]}: expected {expected[role]}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private Dictionary<string, (int[] Expected, Func<Task<HttpRequestMessage>> Build)> Cases(HttpClient holder)
    {
        static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);
        static HttpRequestMessage Post(string url, object body) => new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        static Task<HttpRequestMessage> Now(HttpRequestMessage request) => Task.FromResult(request);
        object Claim() => new
        {
            claimant = "Matrix Ministry", claimantKind = "Government", metric = "Releases", statedAt = "2008-01-01T12:00:00Z",
            period = new { from = "2008-01-01", to = "2008-01-01" }, count = new { qualifier = "Exactly", value = 1 }, originalText = "uno",
        };
        async Task<Guid> Detainee() => await Records.DetaineeAsync(holder);
        async Task<Guid> OpenDetention() => await Records.DetentionAsync(holder, await Detainee(), await Records.FacilityAsync(holder));
        async Task<Guid> Release() => await Records.ReleaseAsync(holder, await OpenDetention());
        // Port 9 refuses at once; the filter matches nothing but the redelivery case's own source.
        object Webhook(string entityType = "Import", string action = "Published") =>
            new { url = "http://127.0.0.1:9/matrix", events = new[] { new { entityType, action } } };
        async Task<Guid> Subscription() => (await holder.PostOkAsync("/api/v1/webhooks", Webhook()))["webhook"]!.Id();
        async Task<string> Delivery()
        {
            var subscription = (await holder.PostOkAsync("/api/v1/webhooks", Webhook("Source", "Created")))["webhook"]!.Id();
            await holder.PostOkAsync("/api/v1/sources", new { url = "https://example.org/matrix-hook", kind = "Other" });
            var delivery = (await holder.GetOkAsync($"/api/v1/webhooks/{subscription}/deliveries"))["items"]![0]!.Id();
            return $"/api/v1/webhooks/{subscription}/deliveries/{delivery}/redeliver";
        }

        object NamedList() => new
        {
            title = "Matrix list", claimant = "Matrix Ministry", claimantKind = "Government", statedAt = "2008-01-01T12:00:00Z",
            period = new { from = "2008-01-01", to = "2008-01-01" }, metric = "Releases",
        };
        HttpRequestMessage Entries(Guid list) =>
            new(HttpMethod.Post, $"/api/v1/lists/{list}/entries") { Content = new StringContent("fullName\nMatrix Entry\n", System.Text.Encoding.UTF8, "text/csv") };
        async Task<Guid> ListWithEntries()
        {
            var list = (await holder.PostOkAsync("/api/v1/lists", NamedList())).Id();
            (await holder.SendAsync(Entries(list), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            return list;
        }

        // A day without the claims above: a tally shows the claims beside its figures, and every caller adds some.
        object Tally() => new { title = "Matrix tally", from = "2008-01-02", to = "2008-01-02", asOf = "2008-01-03T00:00:00Z" };
        async Task<long> Published()
        {
            using var verifier = await api.ClientAsync(Role.Verifier, "Matrix Verifier");
            return (await verifier.PostOkAsync("/api/v1/tallies", Tally()))["number"]!.GetValue<long>();
        }

        var facility = Records.FacilityAsync(holder);
        var listed = ListWithEntries();
        var source = holder.PostOkAsync("/api/v1/sources", new { url = "https://example.org/matrix", kind = "Other" });

        return new()
        {
            ["GET /api/v1/api-keys"] = ([401, 403, 403, 403, 403, 200, 200, 200], () => Now(Get("/api/v1/api-keys"))),
            // A key of the holding organization: another organization's administrator may not issue it.
            ["POST /api/v1/api-keys"] = ([401, 403, 403, 403, 403, 201, 403, 201], () =>
                Now(Post("/api/v1/api-keys", new { name = "m", organization = Holder, role = "Researcher" }))),
            ["GET /api/v1/api-keys/{id}"] = (HolderKey(200), async () => Get($"/api/v1/api-keys/{(await api.KeyAsync(Role.Researcher, Holder)).KeyId}")),
            ["DELETE /api/v1/api-keys/{id}"] = (HolderKey(204), async () =>
                new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/api-keys/{(await api.KeyAsync(Role.Researcher, Holder)).KeyId}")),
            ["GET /api/v1/audit"] = (OperatorOnly(200), () => Now(Get("/api/v1/audit?limit=1"))),
            ["GET /api/v1/audit/verification"] = (OperatorOnly(200), () => Now(Get("/api/v1/audit/verification"))),
            ["GET /api/v1/changes"] = (Read, () => Now(Get("/api/v1/changes?limit=1"))),
            ["GET /api/v1/claims"] = (Open, () => Now(Get("/api/v1/claims"))),
            ["GET /api/v1/lists"] = (Open, () => Now(Get("/api/v1/lists"))),
            ["POST /api/v1/lists"] = (Write, () => Now(Post("/api/v1/lists", NamedList()))),
            ["GET /api/v1/lists/{id}"] = (Open, async () => Get($"/api/v1/lists/{await listed}")),
            // Entries come once, from the organization holding the list: each call uploads to a list of its own.
            ["POST /api/v1/lists/{id}/entries"] = (HolderOnly(200), async () => Entries((await holder.PostOkAsync("/api/v1/lists", NamedList())).Id())),
            ["GET /api/v1/lists/{id}/entries"] = (Read, async () => Get($"/api/v1/lists/{await listed}/entries")),
            ["GET /api/v1/lists/{id}/reconciliation"] = (Open, async () => Get($"/api/v1/lists/{await listed}/reconciliation")),
            ["POST /api/v1/lists/{id}/entries/{number}/match"] = (Decides, async () =>
                Post($"/api/v1/lists/{await listed}/entries/1/match", new { detaineeId = (Guid?)null, note = "No such person." })),
            ["POST /api/v1/claims"] = (Write, () => Now(Post("/api/v1/claims", Claim()))),
            ["GET /api/v1/claims/{id}"] = (Open, async () => Get($"/api/v1/claims/{(await holder.PostOkAsync("/api/v1/claims", Claim())).Id()}")),
            ["POST /api/v1/claims/{id}/retraction"] = (HolderOnly(200), async () =>
                Post($"/api/v1/claims/{(await holder.PostOkAsync("/api/v1/claims", Claim())).Id()}/retraction", new { note = "withdrawn" })),
            ["GET /api/v1/detainees"] = (Read, () => Now(Get("/api/v1/detainees?limit=1"))),
            ["POST /api/v1/detainees"] = (Write, () => Now(Post("/api/v1/detainees", new { fullName = "Matrix Person", gender = "Other", isProtected = false }))),
            ["GET /api/v1/detainees/{id}"] = (Read, async () => Get($"/api/v1/detainees/{await Detainee()}")),
            ["PUT /api/v1/detainees/{id}"] = (HolderOnly(200), async () =>
            {
                var created = await holder.PostAsJsonAsync("/api/v1/detainees", new { fullName = "Matrix Put", gender = "Other", isProtected = false });
                var request = new HttpRequestMessage(HttpMethod.Put, created.Headers.Location) { Content = JsonContent.Create(new { fullName = "Matrix Put 2", gender = "Other", isProtected = false }) };
                request.Headers.IfMatch.Add(created.Headers.ETag!);
                return request;
            }),
            ["GET /api/v1/detainees/{detaineeId}/detentions"] = (Read, async () => Get($"/api/v1/detainees/{await Detainee()}/detentions")),
            ["POST /api/v1/detainees/{detaineeId}/detentions"] = (HolderOnly(201), async () =>
                Post($"/api/v1/detainees/{await Detainee()}/detentions", new { arrestedOn = "2020" })),
            ["GET /api/v1/detentions/{id}"] = (Read, async () => Get($"/api/v1/detentions/{await OpenDetention()}")),
            ["POST /api/v1/detentions/{detentionId}/transfers"] = (HolderOnly(201), async () =>
                Post($"/api/v1/detentions/{await OpenDetention()}/transfers", new { facilityId = await facility, transferredOn = "2026-01-01" })),
            ["GET /api/v1/exports/detainees"] = (Read, () => Now(Get("/api/v1/exports/detainees?q=matrix-nobody"))),
            ["GET /api/v1/exports/releases"] = (Read, () => Now(Get("/api/v1/exports/releases?releasedFrom=2100-12-31"))),
            ["POST /api/v1/imports"] = ([401, 403, 200, 200, 200, 200, 200, 403], () => Now(new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports?dryRun=true")
            {
                Content = new StringContent("fullName\nMatrix Import\n", System.Text.Encoding.UTF8, "text/csv"),
            })),
            ["GET /api/v1/facilities"] = (Open, () => Now(Get("/api/v1/facilities"))),
            ["POST /api/v1/facilities"] = (Write, () => Now(Post("/api/v1/facilities", new { name = "Matrix Prison", kind = "Prison", country = "VE" }))),
            ["GET /api/v1/facilities/{id}"] = (Open, async () => Get($"/api/v1/facilities/{await facility}")),
            ["GET /api/v1/releases"] = (Read, () => Now(Get("/api/v1/releases?limit=1"))),
            ["POST /api/v1/releases"] = (HolderOnly(201), async () =>
                Post("/api/v1/releases", new { detentionId = await OpenDetention(), releasedOn = "2026-01-10", kind = "Unknown" })),
            ["GET /api/v1/releases/{id}"] = (Read, async () => Get($"/api/v1/releases/{await Release()}")),
            ["GET /api/v1/releases/{id}/verifications"] = (Read, async () => Get($"/api/v1/releases/{await Release()}/verifications")),
            ["GET /api/v1/releases/{id}/verifications/{sequence}"] = (Read, async () =>
            {
                var release = await Release();
                using var verifier = await api.ClientAsync(Role.Verifier, "Matrix Verifier");
                Assert.True((await Records.DecideAsync(verifier, release, "UnderVerification", "2026-01-11T09:00:00Z")).IsSuccessStatusCode);
                return Get($"/api/v1/releases/{release}/verifications/1");
            }),
            ["POST /api/v1/releases/{id}/verifications"] = (Decides, async () =>
                Post($"/api/v1/releases/{await Release()}/verifications", new { status = "Verified", method = "DirectContact", occurredAt = "2026-01-11T10:00:00Z", expectedStatus = "Reported" })),
            ["GET /api/v1/sources"] = (Read, () => Now(Get("/api/v1/sources?limit=1"))),
            ["POST /api/v1/sources"] = (Write, () => Now(Post("/api/v1/sources", new { url = "https://example.org/m", kind = "Other" }))),
            ["GET /api/v1/sources/{id}"] = (Read, async () => Get($"/api/v1/sources/{(await source).Id()}")),
            ["GET /api/v1/webhooks"] = ([401, 403, 200, 200, 200, 200, 200, 403], () => Now(Get("/api/v1/webhooks?limit=1"))),
            ["POST /api/v1/webhooks"] = (Write, () => Now(Post("/api/v1/webhooks", Webhook()))),
            ["GET /api/v1/webhooks/{id}"] = (Owned(200), async () => Get($"/api/v1/webhooks/{await Subscription()}")),
            ["DELETE /api/v1/webhooks/{id}"] = (Owned(204), async () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/webhooks/{await Subscription()}")),
            ["POST /api/v1/webhooks/{id}/rotate-secret"] = (Owned(200), async () => Post($"/api/v1/webhooks/{await Subscription()}/rotate-secret", new { })),
            ["GET /api/v1/webhooks/{id}/deliveries"] = (Owned(200), async () => Get($"/api/v1/webhooks/{await Subscription()}/deliveries")),
            ["POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver"] = (Owned(202), async () => Post(await Delivery(), new { })),
            ["GET /api/v1/tallies"] = (Open, () => Now(Get("/api/v1/tallies?limit=1"))),
            ["POST /api/v1/tallies"] = (Decides, () => Now(Post("/api/v1/tallies", Tally()))),
            ["GET /api/v1/tallies/{number}"] = (Open, async () => Get($"/api/v1/tallies/{await Published()}")),
            ["GET /api/v1/tallies/{number}/inputs"] = (Open, async () => Get($"/api/v1/tallies/{await Published()}/inputs")),
            ["GET /api/v1/tallies/{number}/check"] = (Open, async () => Get($"/api/v1/tallies/{await Published()}/check")),
            ["GET /api/v1/totals"] = (Open, () => Now(Get("/api/v1/totals?from=2026-01-01"))),
            ["GET /api/v1/totals/timeline"] = (Open, () => Now(Get("/api/v1/totals/timeline?from=2026-01-01&to=2026-01-31"))),
        };
    }
}
