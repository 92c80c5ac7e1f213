using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Claims;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Releases;
using PrisonerReleaseTracker.Domain.Sources;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The January 2026 scenario, loaded into an empty database when <c>Demo:Seed</c> is on:
/// 156 releases since 8 January verified by 23 January; a government claim that day of "more than 600";
/// 84 releases on Saturday 24 January, verified on the 25th, with a provisional NGO claim of "at least 80";
/// five Spanish nationals among the verified; releases whose charges were not dropped and who are barred
/// from speaking in public; a person held in Tocorón since August 2024 and one moved to house arrest.
/// Every person in it is invented and marked "(demo)": a demo must never carry a real detainee's name.
/// </summary>
public static class DemoData
{
    public const string Organization = "Demo Human Rights Monitor";
    public const string VerifyingOrganization = "Demo Verification Network";

    private static readonly TimeSpan Caracas = TimeSpan.FromHours(-4);
    private static readonly string[] GivenNames = ["Andrés", "María", "José", "Carmen", "Luis", "Ana", "Jesús", "Rosa", "Carlos", "Yolanda", "Pedro", "Gabriela"];
    private static readonly string[] Surnames = ["Ramírez", "Peña", "Núñez", "González", "Rodríguez", "Pérez", "Hernández", "Díaz", "Morales", "Rojas", "Suárez"];

    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Facilities.AnyAsync(ct) || await db.Detainees.AnyAsync(ct))
        {
            return;
        }

        var now = clock.GetUtcNow();
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

        void Released(DateOnly on, Facility from, bool? chargesDropped, DateTimeOffset verifiedAt, string[] nationalities)
        {
            var person = Person(nationalities, number % 5 == 0 ? "journalist" : "political activist");
            var detention = person.OpenDetention(PartialDate.Create(2024, 8 + number % 5), "Caracas", "SEBIN", from, ["terrorism", "incitement to hatred"], now);
            db.Detentions.Add(detention);
            var conditions = new ReleaseConditions(chargesDropped, chargesDropped != true, chargesDropped == false, chargesDropped != true);
            var release = person.RecordRelease(detention.Id, new ReleaseReport(on, ReleaseKind.Conditional, conditions, null, [report.Id], null), reporter, now);
            db.Releases.Add(release);
            db.VerificationEvents.Add(release.Decide(
                new VerificationDecision(VerificationStatus.Verified, VerificationMethod.FamilyConfirmation, verifiedAt, null, [report.Id], verifier), null, now));
        }

        // 156 releases from 8 to 23 January, each verified on its own day, by 23 January at 12:00 in Caracas.
        for (var i = 0; i < 156; i++)
        {
            var day = new DateOnly(2026, 1, 8).AddDays(i % 16);
            var nationalities = i < 5 ? new[] { "VE", "ES" } : i == 5 ? ["CO"] : ["VE"];
            Released(day, i % 3 == 0 ? tocoron : rodeo, i % 4 == 0 ? false : true, At(day, 12), nationalities);
        }

        // Saturday 24 January: 84 releases, verified on Sunday the 25th.
        for (var i = 0; i < 84; i++)
        {
            var day = new DateOnly(2026, 1, 24);
            Released(day, i % 2 == 0 ? rodeo : helicoide, i % 6 == 0 ? null : true, At(2026, 1, 25, 10), ["VE"]);
        }

        // Still in custody: one held in Tocorón since August 2024, one moved to house arrest.
        var held = Person(["VE"], "trade unionist");
        db.Detentions.Add(held.OpenDetention(PartialDate.Create(2024, 8), "Maracay", "DGCIM", tocoron, ["treason"], now));
        var moved = Person(["VE"], "human rights defender");
        var movedDetention = moved.OpenDetention(PartialDate.Create(2025, 3, 2), "Caracas", "SEBIN", helicoide, ["conspiracy"], now);
        db.Detentions.Add(movedDetention);
        db.Add(movedDetention.Transfer(houseArrest, new DateOnly(2026, 1, 20), now));

        var government = Claim.State(new ClaimStatement("Government of Venezuela (demo)", ClaimantKind.Government, ClaimMetric.Releases,
            At(2026, 1, 23, 18), new DateOnly(2026, 1, 8), new DateOnly(2026, 1, 23), new ClaimCount(CountQualifier.MoreThan, 600, null),
            "más de 600", [statement.Id]), null, Organization, now);
        var provisional = Claim.State(new ClaimStatement(Organization, ClaimantKind.Ngo, ClaimMetric.Releases,
            At(2026, 1, 24, 21), new DateOnly(2026, 1, 24), new DateOnly(2026, 1, 24), new ClaimCount(CountQualifier.AtLeast, 80, null),
            "al menos 80 excarcelaciones este sábado, aún verificando identidades", [report.Id]), null, Organization, now);
        db.Claims.AddRange(government, provisional);

        await db.SaveChangesAsync(ct);
    }

    private static DateTimeOffset At(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, Caracas);

    private static DateTimeOffset At(DateOnly day, int hour) => At(day.Year, day.Month, day.Day, hour);
}
