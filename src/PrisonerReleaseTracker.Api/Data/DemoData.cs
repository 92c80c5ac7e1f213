using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Facilities;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The January 2026 scenario, loaded into an empty database when <c>Demo:Seed</c> is on. Every person in it
/// is invented: a demo must never carry a real detainee's name.
/// </summary>
public static class DemoData
{
    public const string Organization = "Demo Human Rights Monitor";

    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Facilities.AnyAsync(ct) || await db.Detainees.AnyAsync(ct))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var rodeo = Facility.Create("Centro Penitenciario El Rodeo I", FacilityKind.Prison, "Guatire", "Miranda", "VE", Organization, now);
        var tocoron = Facility.Create("Centro Penitenciario de Aragua (Tocorón)", FacilityKind.Prison, "Tocorón", "Aragua", "VE", Organization, now);
        var helicoide = Facility.Create("El Helicoide", FacilityKind.IntelligenceService, "Caracas", "Distrito Capital", "VE", Organization, now);
        var houseArrest = Facility.Create("Arresto domiciliario", FacilityKind.HouseArrest, null, null, "VE", Organization, now);
        db.Facilities.AddRange(rodeo, tocoron, helicoide, houseArrest);

        db.Detainees.AddRange(
            Person("Andrés Eloy Demo Ramírez", Gender.Male, "1979-03", ["VE"], ["trade unionist"], now),
            Person("María José Ejemplo Peña", Gender.Female, "1985", ["VE", "ES"], ["journalist"], now),
            Person("José Ángel Muestra Núñez", Gender.Male, "1990-07-14", ["ES"], ["human rights defender"], now));
        await db.SaveChangesAsync(ct);
    }

    private static Detainee Person(string name, Gender gender, string birthDate, string[] nationalities, string[] categories, DateTimeOffset now) =>
        Detainee.Create(new DetaineeDetails(name, [], gender, PartialDate.Parse(birthDate), nationalities, categories, [], false, null, null), Organization, now);
}
