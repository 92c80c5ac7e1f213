using PrisonerReleaseTracker.Api.Features.Tallies;
using PrisonerReleaseTracker.Api.Features.Totals;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The January 2026 scenario, loaded into an empty database when <c>Demo:Seed</c> is on:
/// 156 releases since 8 January verified by 23 January; a government claim that day of "more than 600";
/// 84 releases on Saturday 24 January, verified on the 25th, with a provisional NGO claim of "at least 80";
/// five Spanish nationals among the verified; releases whose charges were not dropped and who are barred
/// from speaking in public; a person held in Tocorón since August 2024 and one moved to house arrest.
/// Every person in it is invented and marked "(demo)": a demo must never carry a real detainee's name.
/// Its history is recorded on the story's own days (releases reported, decisions and claims entered when they happened),
/// with two tallies published by the verifying organization: at 19:00 on 23 January and at noon on the 25th (Caracas).
/// </summary>
public static class DemoData
{
    public const string Organization = "Demo Human Rights Monitor";
    public const string VerifyingOrganization = "Demo Verification Network";

    private static readonly TimeSpan Caracas = TimeSpan.FromHours(-4);
    private static readonly string[] GivenNames = ["Andrés", "María", "José", "Carmen", "Luis", "Ana", "Jesús", "Rosa", "Carlos", "Yolanda", "Pedro", "Gabriela"];
    private static readonly string[] Surnames = ["Ramírez", "Peña", "Núñez", "González", "Rodríguez", "Pérez", "Hernández", "Díaz", "Morales", "Rojas", "Suárez"];

    public static async Task SeedAsync(AppDbContext db, TallyService tallies, CancellationToken ct)
    {
        if (await db.Facilities.AnyAsync(ct) || await db.Detainees.AnyAsync(ct))
        {
            return;
        }

        // One transaction; each step of the story is saved at its own moment (see Moment), in the story's order.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = await MomentAsync(db, At(2026, 1, 7, 9), ct);
        var reportingKey = ApiKey.Issue("Demo reporting desk", Organization, Role.Contributor, now, out _);
        var verifyingKey = ApiKey.Issue("Demo verification desk", VerifyingOrganization, Role.Verifier, now, out _);
        var reporter = new Reporter(reportingKey.Id, Organization);
        var verifier = new Reporter(verifyingKey.Id, VerifyingOrganization);
        db.ApiKeys.AddRange(reportingKey, verifyingKey);

        var rodeo = Facility.Create("Centro Penitenciario El Rodeo I", FacilityKind.Prison, "Guatire", "Miranda", "VE", Organization, now);
        var tocoron = Facility.Create("Centro Penitenciario de Aragua (Tocorón)", FacilityKind.Prison, "Tocorón", "Aragua", "VE", Organization, now);
        var helicoide = Facility.Create("El Helicoide", FacilityKind.IntelligenceService, "Caracas", "Distrito Capital", "VE", Organization, now);
        var houseArrest = Facility.Create("Arresto domiciliario (Caracas)", FacilityKind.HouseArrest, "Caracas", "Distrito Capital", "VE", Organization, now);
        db.Facilities.AddRange(rodeo, tocoron, helicoide, houseArrest);

        var report = Source.Create("https://example.org/demo/excarcelaciones-verificadas", "Demo Human Rights Monitor", SourceKind.NgoReport,
            "Excarcelaciones verificadas (demo)", At(2026, 1, 23, 20), "es", Organization, now);
        var statement = Source.Create("https://example.org/demo/comunicado-gobierno", "Demo Ministry of Information", SourceKind.GovernmentStatement,
            "Comunicado oficial (demo)", At(2026, 1, 23, 18), "es", Organization, now);
        db.Sources.AddRange(report, statement);

        var number = 0;
        Detainee Person(string[] nationalities, string category)
        {
            number++;
            var name = $"{GivenNames[number % GivenNames.Length]} {Surnames[number * 7 % Surnames.Length]} {Surnames[number * 3 % Surnames.Length]} (demo {number:000})";
            var birth = PartialDate.Create(1950 + number % 50, number % 3 == 0 ? null : 1 + number % 12);
            var person = Detainee.Create(new DetaineeDetails(name, [], number % 4 == 0 ? Gender.Female : Gender.Male, birth, nationalities,
                [category], [new ExternalId("demo-case", $"DEMO-{number:0000}")], number % 50 == 0, null, null), Organization, now);
            db.Detainees.Add(person);
            return person;
        }

        // Still in custody: one held in Tocorón since August 2024, one moved to house arrest (recorded on 20 January).
        var held = Person(["VE"], "trade unionist");
        db.Detentions.Add(held.OpenDetention(PartialDate.Create(2024, 8), "Maracay", "DGCIM", tocoron, ["treason"], now));
        var moved = Person(["VE"], "human rights defender");
        var movedDetention = moved.OpenDetention(PartialDate.Create(2025, 3, 2), "Caracas", "SEBIN", helicoide, ["conspiracy"], now);
        db.Detentions.Add(movedDetention);
        await db.SaveChangesAsync(ct);

        var pending = new List<(Release Release, DateTimeOffset VerifiedAt)>();
        void Released(DateOnly on, Facility from, bool? chargesDropped, DateTimeOffset verifiedAt, string[] nationalities)
        {
            var person = Person(nationalities, number % 5 == 0 ? "journalist" : "political activist");
            var detention = person.OpenDetention(PartialDate.Create(2024, 8 + number % 5), "Caracas", "SEBIN", from, ["terrorism", "incitement to hatred"], now);
            db.Detentions.Add(detention);
            var conditions = new ReleaseConditions(chargesDropped, chargesDropped != true, chargesDropped == false, chargesDropped != true);
            var release = person.RecordRelease(detention.Id, new ReleaseReport(on, ReleaseKind.Conditional, conditions, null, [report.Id], null), reporter, now);
            db.Releases.Add(release);
            pending.Add((release, verifiedAt));
        }

        async Task VerifyAsync()
        {
            foreach (var (release, verifiedAt) in pending)
            {
                db.VerificationEvents.Add(release.Decide(
                    new VerificationDecision(VerificationStatus.Verified, VerificationMethod.FamilyConfirmation, verifiedAt, null, [report.Id], verifier), null, now));
            }

            pending.Clear();
            await db.SaveChangesAsync(ct);
        }

        // 156 releases from 8 to 23 January, reported in the morning of their day and verified at noon, in Caracas.
        for (var day = new DateOnly(2026, 1, 8); day <= new DateOnly(2026, 1, 23); day = day.AddDays(1))
        {
            now = await MomentAsync(db, At(day, 9), ct);
            for (var i = day.DayNumber - new DateOnly(2026, 1, 8).DayNumber; i < 156; i += 16)
            {
                var nationalities = i < 5 ? new[] { "VE", "ES" } : i == 5 ? ["CO"] : ["VE"];
                Released(day, i % 3 == 0 ? tocoron : rodeo, i % 4 == 0 ? false : true, At(day, 12), nationalities);
            }

            await db.SaveChangesAsync(ct);
            now = await MomentAsync(db, At(day, 12).AddMinutes(30), ct);
            await VerifyAsync();
            if (day == new DateOnly(2026, 1, 20))
            {
                now = await MomentAsync(db, At(day, 16), ct);
                db.Add(movedDetention.Transfer(houseArrest, day, now));
                await db.SaveChangesAsync(ct);
            }
        }

        // The government's claim, entered half an hour after it was made; the first tally that evening.
        now = await MomentAsync(db, At(2026, 1, 23, 18).AddMinutes(30), ct);
        db.Claims.Add(Claim.State(new ClaimStatement("Government of Venezuela (demo)", ClaimantKind.Government, ClaimMetric.Releases,
            At(2026, 1, 23, 18), new DateOnly(2026, 1, 8), new DateOnly(2026, 1, 23), new ClaimCount(CountQualifier.MoreThan, 600, null),
            "más de 600", [statement.Id]), null, Organization, now));
        await db.SaveChangesAsync(ct);
        var publisher = new Caller(verifyingKey.Id, VerifyingOrganization, Role.Verifier);
        await MomentAsync(db, At(2026, 1, 23, 19), ct);
        await tallies.PublishAsync(new PublishTallyRequest("Verified releases since 8 January", new DateOnly(2026, 1, 8), new DateOnly(2026, 1, 23),
            At(2026, 1, 23, 19), TotalsGroupBy.Nationality, null, "Each release confirmed with the family (demo).", null), publisher, ct);

        // Saturday 24 January: 84 releases, reported that afternoon, the NGO's provisional claim that night, verified on Sunday the 25th.
        now = await MomentAsync(db, At(2026, 1, 24, 15), ct);
        for (var i = 0; i < 84; i++)
        {
            Released(new DateOnly(2026, 1, 24), i % 2 == 0 ? rodeo : helicoide, i % 6 == 0 ? null : true, At(2026, 1, 25, 10), ["VE"]);
        }

        await db.SaveChangesAsync(ct);
        now = await MomentAsync(db, At(2026, 1, 24, 21).AddMinutes(15), ct);
        db.Claims.Add(Claim.State(new ClaimStatement(Organization, ClaimantKind.Ngo, ClaimMetric.Releases,
            At(2026, 1, 24, 21), new DateOnly(2026, 1, 24), new DateOnly(2026, 1, 24), new ClaimCount(CountQualifier.AtLeast, 80, null),
            "al menos 80 excarcelaciones este sábado, aún verificando identidades", [report.Id]), null, Organization, now));
        await db.SaveChangesAsync(ct);
        now = await MomentAsync(db, At(2026, 1, 25, 10).AddMinutes(30), ct);
        await VerifyAsync();
        await MomentAsync(db, At(2026, 1, 25, 12), ct);
        await tallies.PublishAsync(new PublishTallyRequest("Verified releases since 8 January, Saturday's included", new DateOnly(2026, 1, 8),
            new DateOnly(2026, 1, 25), At(2026, 1, 25, 12), TotalsGroupBy.Nationality, null, "Saturday's 84 releases verified on Sunday (demo).", null),
            publisher, ct);

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Makes <paramref name="moment"/> the recorded moment of what the transaction saves next (<see cref="RecordedMoment"/>):
    /// the demo's history is recorded on the story's own days, so that answers known at a January moment are honest.
    /// Only the demo, writing an empty record, sets it so; every other write is recorded at the clock.
    /// </summary>
    private static async Task<DateTimeOffset> MomentAsync(AppDbContext db, DateTimeOffset moment, CancellationToken ct)
    {
        var utc = moment.ToUniversalTime();
        await db.Database.SqlQueryRaw<string>(DemoSql.SetMoment, new Npgsql.NpgsqlParameter("moment", utc.ToString("O"))).ToListAsync(ct);
        return utc;
    }

    private static DateTimeOffset At(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, Caracas);

    private static DateTimeOffset At(DateOnly day, int hour) => At(day.Year, day.Month, day.Day, hour);
}

/// <summary>The SQL of the demo.</summary>
internal static class DemoSql
{
    /// <summary>The transaction's recorded moment, from now on (until the next call).</summary>
    public const string SetMoment = $"""SELECT set_config('{RecordedMoment.Setting}', @moment, true) AS "Value" """;
}
