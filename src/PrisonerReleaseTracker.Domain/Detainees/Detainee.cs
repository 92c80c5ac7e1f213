using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Detainees;

/// <summary>A person's gender as recorded by the source list.</summary>
public enum Gender { Female, Male, Other, Unknown }

/// <summary>Where a person stands, derived from their detentions.</summary>
public enum DetaineeStatus
{
    /// <summary>No detention recorded.</summary>
    Unknown,
    /// <summary>A detention is open (house arrest included).</summary>
    Detained,
    /// <summary>The latest detention ended in a release.</summary>
    Released,
}

/// <summary>An identifier of the person in another system, such as an NGO's case number.</summary>
public sealed record ExternalId(string Scheme, string Value);

/// <summary>The identifying and sensitive details of a person, as a client states them.</summary>
public sealed record DetaineeDetails(
    string FullName,
    IReadOnlyList<string> OtherNames,
    Gender Gender,
    PartialDate? BirthDate,
    IReadOnlyList<string> Nationalities,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ExternalId> ExternalIds,
    bool IsProtected,
    string? NationalId,
    string? Notes);

/// <summary>A person and their detentions; the aggregate that keeps "one open detention at a time".</summary>
public sealed class Detainee
{
    private readonly List<Detention> _detentions = [];
    private List<ExternalId> _externalIds = [];

    private Detainee() { FullName = null!; Organization = null!; }

    public Guid Id { get; private set; }
    public string FullName { get; private set; }
    /// <summary>Other names and spellings the person is known by, each trimmed.</summary>
    public List<string> OtherNames { get; private set; } = [];
    public Gender Gender { get; private set; }
    /// <summary>As far as it is known (a year, a month or a day); null when unknown; never after today.</summary>
    public PartialDate? BirthDate { get; private set; }
    /// <summary>ISO 3166-1 alpha-2 codes, each once.</summary>
    public List<string> Nationalities { get; private set; } = [];
    /// <summary>Free labels, each trimmed and once: one of the dimensions the totals break down by.</summary>
    public List<string> Categories { get; private set; } = [];
    public IReadOnlyList<ExternalId> ExternalIds => _externalIds;
    /// <summary>Whether only the organization holding the record may identify the person (<see cref="Access.Disclosure.IdentifiesRule"/>).</summary>
    public bool IsProtected { get; private set; }
    /// <summary>Sensitive: shown only to the keys of the organization holding the record.</summary>
    public string? NationalId { get; private set; }
    /// <summary>Sensitive, as <see cref="NationalId"/>.</summary>
    public string? Notes { get; private set; }
    /// <summary>Derived from the detentions: Detained while one is open, Released once the latest has ended, Unknown before any.</summary>
    public DetaineeStatus Status { get; private set; }
    /// <summary>The organization holding the record: the creating key's. Its detentions and releases are held by it too.</summary>
    public string Organization { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the details or the detentions last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<Detention> Detentions => _detentions;

    public static Detainee Create(DetaineeDetails details, string organization, DateTimeOffset now)
    {
        var detainee = new Detainee
        {
            Id = Guid.CreateVersion7(now),
            Organization = organization,
            CreatedAt = now,
            Status = DetaineeStatus.Unknown,
        };
        detainee.Apply(details, now);
        return detainee;
    }

    public void Update(DetaineeDetails details, DateTimeOffset now) => Apply(details, now);

    /// <summary>Opens a detention episode; a person has at most one open at a time.</summary>
    public Detention OpenDetention(PartialDate? arrestedOn, string? arrestPlace, string? arrestingAuthority,
        Facility? facility, IReadOnlyList<string> charges, DateTimeOffset now)
    {
        if (_detentions.Any(d => d.IsOpen))
        {
            throw new DomainRuleException("A detainee has at most one open detention",
                "This person already has an open detention; record its release first.");
        }

        var detention = Detention.Open(this, arrestedOn, arrestPlace, arrestingAuthority, facility, charges, now);
        _detentions.Add(detention);
        Status = DetaineeStatus.Detained;
        UpdatedAt = now;
        return detention;
    }

    /// <summary>Ends a detention with a release; the release starts its life as <c>Reported</c>.</summary>
    public Release RecordRelease(Guid detentionId, ReleaseReport report, Reporter reporter, DateTimeOffset now)
    {
        var detention = _detentions.SingleOrDefault(d => d.Id == detentionId)
            ?? throw new InvalidOperationException("The detention does not belong to this detainee.");
        detention.Close(report.ReleasedOn, now);
        Status = DetaineeStatus.Released;
        UpdatedAt = now;
        return Release.Report(detention, report, reporter, now);
    }

    private void Apply(DetaineeDetails details, DateTimeOffset now)
    {
        if (details.BirthDate is { } birthDate && birthDate.IsAfter(DateOnly.FromDateTime(now.UtcDateTime)))
        {
            throw new DomainRuleException("A birth date cannot be in the future", "The birth date is after today.");
        }

        var invalid = details.Nationalities.FirstOrDefault(code => !CountryCodes.IsValid(code));
        if (invalid is not null)
        {
            throw new DomainRuleException("Nationalities must be ISO 3166-1 alpha-2 codes", $"'{invalid}' is not a country code.");
        }

        FullName = details.FullName.Trim();
        OtherNames = [.. details.OtherNames.Select(n => n.Trim())];
        Gender = details.Gender;
        BirthDate = details.BirthDate;
        Nationalities = [.. details.Nationalities.Distinct()];
        Categories = [.. details.Categories.Select(c => c.Trim()).Distinct()];
        _externalIds = [.. details.ExternalIds.Distinct()];
        IsProtected = details.IsProtected;
        NationalId = details.NationalId;
        Notes = details.Notes;
        UpdatedAt = now;
    }
}
