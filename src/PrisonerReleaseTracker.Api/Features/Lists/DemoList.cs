using System.Text;
using PrisonerReleaseTracker.Api.Features.Imports;

namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>
/// The government's list of the seed story, for the demo: it backs the "more than 600" claim, and names more people than
/// the record verifies. Most names are the demo's verified releases (some by case number, some by name and birth date);
/// then people released after the period, the one still held, the one moved to house arrest, names listed without a
/// birth date (namesakes to decide), invented names nobody on record has, and names listed twice. Every name is marked
/// "(demo)". Uploaded through the same path as any list.
/// </summary>
public static class DemoList
{
    public const string Title = "Lista oficial de excarcelados, 8 al 23 de enero (demo)";

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var claim = await db.Claims.SingleOrDefaultAsync(c => c.Claimant == "Government of Venezuela (demo)" && c.Metric == ClaimMetric.Releases, ct);
        if (claim is null || await db.NamedLists.AnyAsync(ct))
        {
            return;
        }

        var people = await db.Detainees.AsNoTracking().Where(d => d.Organization == DemoData.Organization).OrderBy(d => d.FullName)
            .Select(d => new
            {
                d.FullName,
                d.BirthDate,
                Case = d.ExternalIds.Select(e => e.Scheme + ":" + e.Value).FirstOrDefault(),
                Released = db.Releases.Where(r => r.DetaineeId == d.Id).Select(r => (DateOnly?)r.ReleasedOn).FirstOrDefault(),
            }).ToListAsync(ct);
        var csv = new StringBuilder("fullName,birthDate,externalId,releasedOn\n");
        var rows = new List<string>();
        var inPeriod = people.Where(p => p.Released is { } on && on >= claim.PeriodFrom && on <= claim.PeriodTo).ToList();
        rows.AddRange(inPeriod.Select((p, i) => i % 2 == 0 ? $"\"{p.FullName}\",{p.BirthDate},,{p.Released:yyyy-MM-dd}" : $"\"{Listed(p.FullName)}\",,{p.Case},{p.Released:yyyy-MM-dd}"));
        rows.AddRange(people.Where(p => p.Released > claim.PeriodTo).Take(20).Select(p => $"\"{p.FullName}\",{p.BirthDate},,{claim.PeriodTo:yyyy-MM-dd}"));
        rows.AddRange(people.Where(p => p.Released is null).Select(p => $"\"{p.FullName}\",{p.BirthDate},,{claim.PeriodTo:yyyy-MM-dd}"));
        rows.AddRange(people.Where(p => p.Released > claim.PeriodTo).Skip(20).Take(6).Select(p => $"\"{p.FullName}\",,,"));
        rows.AddRange(Enumerable.Range(1, 30).Select(n => string.Create(CultureInfo.InvariantCulture, $"Persona no registrada {n:00} (demo),,,{claim.PeriodTo:yyyy-MM-dd}")));
        var distinct = rows.Count;
        rows.AddRange(Enumerable.Range(0, 8).Select(n => rows[n * 17 % distinct]));
        foreach (var row in rows)
        {
            csv.Append(row).Append('\n');
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var list = NamedList.Publish(new ListStatement(Title, claim.Claimant, claim.ClaimantKind, ListMetric.Releases, claim.StatedAtAsStated,
            claim.PeriodFrom, claim.PeriodTo, claim.SourceIds), claim, DemoData.Organization, now);
        db.NamedLists.Add(list);
        await db.SaveChangesAsync(ct);
        await using var body = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        var outcome = await services.GetRequiredService<ListUpload>().RunAsync(list, body, ImportFormat.Csv, ct);
        if (outcome is UploadOutcome.Invalid invalid)
        {
            throw new InvalidOperationException("The demo list is invalid: " + string.Join("; ", invalid.Problems.Errors.Select(e => $"{e.Line} {e.Field}: {e.Message}")));
        }
    }

    /// <summary>A name as a government list might spell it: without accents and in capitals (matched by case number).</summary>
    private static string Listed(string fullName) => fullName.ToUpperInvariant();
}
