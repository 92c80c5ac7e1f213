namespace PrisonerReleaseTracker.Domain.Facilities;

/// <summary>The kind of a place of detention.</summary>
public enum FacilityKind { Prison, IntelligenceService, MilitaryFacility, PoliceStation, HouseArrest, Other }

/// <summary>A place of detention.</summary>
public sealed class Facility
{
    private Facility() { Name = null!; Country = null!; Organization = null!; }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public FacilityKind Kind { get; private set; }
    public string? City { get; private set; }
    public string? Region { get; private set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string Country { get; private set; }
    /// <summary>The organization whose key recorded it.</summary>
    public string Organization { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>Moving someone here keeps their detention open.</summary>
    public bool IsHouseArrest => Kind == FacilityKind.HouseArrest;

    public static Facility Create(string name, FacilityKind kind, string? city, string? region, string country,
        string organization, DateTimeOffset now)
    {
        if (!CountryCodes.IsValid(country))
        {
            throw new DomainRuleException("Country must be an ISO 3166-1 alpha-2 code", $"'{country}' is not a country code.");
        }

        return new Facility
        {
            Id = Guid.CreateVersion7(now),
            Name = name.Trim(),
            Kind = kind,
            City = city,
            Region = region,
            Country = country,
            Organization = organization,
            CreatedAt = now,
        };
    }
}
