using PrisonerReleaseTracker.Domain.Detainees;

namespace PrisonerReleaseTracker.Domain.Releases;

/// <summary>How a detention ended.</summary>
public enum ReleaseKind { Unconditional, Conditional, SentenceServed, PardonOrAmnesty, Exchange, Deportation, Unknown }

/// <summary>What the person still faces after release. <c>ChargesDropped</c> null means not known.</summary>
public sealed record ReleaseConditions(bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt)
{
    public static readonly ReleaseConditions None = new(null, false, false, false);
}

/// <summary>The key and organization behind a write; set by the server, never by the client.</summary>
public sealed record Reporter(Guid KeyId, string Organization);

/// <summary>A release as a client reports it.</summary>
public sealed record ReleaseReport(
    DateOnly ReleasedOn,
    ReleaseKind Kind,
    ReleaseConditions Conditions,
    Guid? FacilityId,
    IReadOnlyList<Guid> SourceIds,
    string? Note);

/// <summary>
/// The end of a detention, and the history of decisions about whether it really happened.
/// The current status is kept here for fast reads; the events stay the truth for any past moment.
/// </summary>
public sealed class Release
{
    private readonly List<VerificationEvent> _events = [];

    private Release() { Conditions = ReleaseConditions.None; ReportedByOrganization = null!; Organization = null!; }

    public Guid Id { get; private set; }
    /// <summary>The detention this release ends (a detention has one release at most).</summary>
    public Guid DetentionId { get; private set; }
    /// <summary>The person released: the detention's, copied at the report.</summary>
    public Guid DetaineeId { get; private set; }
    /// <summary>The day of release as reported: a calendar date without a time zone, the day the totals count it on.</summary>
    public DateOnly ReleasedOn { get; private set; }
    public ReleaseKind Kind { get; private set; }
    public ReleaseConditions Conditions { get; private set; }
    /// <summary>The facility released from.</summary>
    public Guid? FacilityId { get; private set; }
    /// <summary>The sources the report cites, each once.</summary>
    public List<Guid> SourceIds { get; private set; } = [];
    public string? Note { get; private set; }
    /// <summary>The API key that reported it; four eyes: that key may never decide on it.</summary>
    public Guid ReportedByKeyId { get; private set; }
    /// <summary>The reporting key's organization, which need not be the one holding the record (<see cref="Organization"/>).</summary>
    public string ReportedByOrganization { get; private set; }
    /// <summary>The organization holding the record: the detention's, whoever reported the release.</summary>
    public string Organization { get; private set; }
    /// <summary>When the server recorded the report.</summary>
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The status of the latest decision, <c>Reported</c> before any: kept for reads as of now; the events answer for a past moment.</summary>
    public VerificationStatus Status { get; private set; }
    /// <summary>When the decision behind <see cref="Status"/> was made; null while <c>Reported</c>.</summary>
    public DateTimeOffset? StatusOccurredAt { get; private set; }
    /// <summary>The organization behind the decision behind <see cref="Status"/>.</summary>
    public string? StatusOrganization { get; private set; }
    /// <summary>How many decisions have been recorded; the next one gets this number plus one.</summary>
    public int EventCount { get; private set; }
    public IReadOnlyList<VerificationEvent> Events => _events;

    internal static Release Report(Detention detention, ReleaseReport report, Reporter reporter, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        DetentionId = detention.Id,
        DetaineeId = detention.DetaineeId,
        ReleasedOn = report.ReleasedOn,
        Kind = report.Kind,
        Conditions = report.Conditions,
        FacilityId = report.FacilityId ?? detention.FacilityId,
        SourceIds = [.. report.SourceIds.Distinct()],
        Note = report.Note,
        ReportedByKeyId = reporter.KeyId,
        ReportedByOrganization = reporter.Organization,
        Organization = detention.Organization,
        CreatedAt = now,
        Status = VerificationStatus.Reported,
    };

    /// <summary>
    /// Appends one decision. The caller passes the latest recorded event (or null) so the rules see the
    /// state the decision is made from; <see cref="EventCount"/> numbers it, and the store refuses two
    /// events with one number, so two racing decisions from one state cannot both land.
    /// </summary>
    public VerificationEvent Decide(VerificationDecision decision, VerificationEvent? latest, DateTimeOffset now)
    {
        VerificationRules.Check(this, latest, decision, now);
        var recorded = VerificationEvent.Record(this, EventCount + 1, decision, now);
        _events.Add(recorded);
        EventCount = recorded.Sequence;
        Status = recorded.Status;
        StatusOccurredAt = recorded.OccurredAt;
        StatusOrganization = recorded.Organization;
        return recorded;
    }
}
