using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Verification decisions posted through the API, counted as h2load counts: <c>--connections</c> connections, each
/// posting <c>--per-connection</c> decisions one after the other (the next when the answer to the last has come), each
/// on a release of its own. h2load cannot do this: it sends one body to every path, and walks the same paths on every
/// connection, so the same release would be decided 32 times.
/// </summary>
/// <remarks>
/// The releases are the lines <c>--from</c> to <c>--from + connections × per-connection</c> of <c>--releases</c>, each
/// "id status" (the status it is in); connection c takes the c-th run of per-connection lines. A decision moves the
/// release on as a verifier would: to Verified where that is legal (Reported, UnderVerification, Disputed), a Verified
/// one Retracted, the others (Rejected, Retracted) back UnderVerification; it names the status it decided on in
/// <c>expectedStatus</c>. Every answer must be a 201: anything else stops the run, with the answer printed.
/// The log (<c>--log</c>) has h2load's format, one line a request: start (µs since the epoch), status, latency (µs).
/// </remarks>
internal static class Decisions
{
    public static async Task<int> RunAsync(string api, string key, string releases, long from, int connections, int perConnection, string log)
    {
        var lines = File.ReadLines(releases).Skip((int)from).Take(connections * perConnection).ToList();
        if (lines.Count < connections * perConnection)
        {
            Console.Error.WriteLine($"decisions: {releases} has {lines.Count} releases from line {from}, not the {connections * perConnection} asked for");
            return 1;
        }

        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var results = new (long Start, int Status, long Micros)[lines.Count];
        string? failure = null;
        var tasks = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            // One connection a client, kept alive, as h2load's.
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false, UseProxy = false })
            {
                BaseAddress = new Uri(api),
                Timeout = TimeSpan.FromHours(1),
            };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            for (var i = c * perConnection; i < (c + 1) * perConnection && failure is null; i++)
            {
                var (id, status) = Parse(lines[i]);
                using var body = new StringContent(Body(status, occurredAt), Encoding.UTF8, "application/json");
                var start = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
                var clock = Stopwatch.StartNew();
                using var answer = await client.PostAsync($"/api/v1/releases/{id}/verifications", body);
                var text = await answer.Content.ReadAsStringAsync();
                results[i] = (start, (int)answer.StatusCode,
                    (long)clock.Elapsed.TotalMicroseconds);
                if (answer.StatusCode != HttpStatusCode.Created)
                {
                    failure ??= $"POST /api/v1/releases/{id}/verifications (release {status}) answered {(int)answer.StatusCode}: {text[..Math.Min(text.Length, 800)]}";
                }
            }
        })).ToList();
        await Task.WhenAll(tasks);
        await File.WriteAllLinesAsync(log, results.Where(r => r.Status != 0)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Start}\t{r.Status}\t{r.Micros}")));
        if (failure is not null)
        {
            Console.Error.WriteLine(failure);
            return 1;
        }

        return 0;
    }

    private static (Guid Id, VerificationStatus Status) Parse(string line)
    {
        var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
        return (Guid.Parse(parts[0]), Enum.Parse<VerificationStatus>(parts[1]));
    }

    /// <summary>The decision a verifier would make next on a release in <paramref name="status"/>.</summary>
    private static string Body(VerificationStatus status, string occurredAt)
    {
        var next = new[] { VerificationStatus.Verified, VerificationStatus.Retracted, VerificationStatus.UnderVerification }
            .First(to => VerificationRules.IsLegalTransition(status, to));
        return $$"""{"status":"{{next}}","method":"LawyerConfirmation","occurredAt":"{{occurredAt}}","note":"bench decision","sourceIds":[],"expectedStatus":"{{status}}"}""";
    }
}
