using PrisonerReleaseTracker.Domain.Facilities;

namespace PrisonerReleaseTracker.Domain.Detainees;

/// <summary>A move of a detention from one facility to another. House arrest is one, never a release.</summary>
public sealed class DetentionTransfer
{
    private DetentionTransfer() { }

    public Guid Id { get; private set; }
    public Guid DetentionId { get; private set; }
    /// <summary>Where the person was held before; null when the detention had no facility yet.</summary>
    public Guid? FromFacilityId { get; private set; }
    public Guid ToFacilityId { get; private set; }
    /// <summary>The day of the move: not before the arrest or an earlier transfer, not after today.</summary>
    public DateOnly TransferredOn { get; private set; }
    /// <summary>When the server recorded the move.</summary>
    public DateTimeOffset RecordedAt { get; private set; }

    internal static DetentionTransfer Create(Guid detentionId, Guid? from, Guid to, DateOnly on, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), DetentionId = detentionId, FromFacilityId = from, ToFacilityId = to, TransferredOn = on, RecordedAt = now };
}

/// <summary>One episode of deprivation of liberty, open until a release ends it.</summary>
public sealed class Detention
{
    private readonly List<DetentionTransfer> _transfers = [];

    private Detention() { Organization = null!; }

    public Guid Id { get; private set; }
    public Guid DetaineeId { get; private set; }
    /// <summary>The day of arrest as far as it is known (a year, a month or a day); null when unknown; never after today.</summary>
    public PartialDate? ArrestedOn { get; private set; }
    public string? ArrestPlace { get; private set; }
    public string? ArrestingAuthority { get; private set; }
    /// <summary>Where the person is held now, or was held last.</summary>
    public Guid? FacilityId { get; private set; }
    /// <summary>The charges as stated when the detention was opened; empty when none are known.</summary>
    public List<string> Charges { get; private set; } = [];
    /// <summary>Set when a release ends the detention.</summary>
    public DateOnly? ReleasedOn { get; private set; }
    /// <summary>The organization holding the record: the person's.</summary>
    public string Organization { get; private set; }
    /// <summary>When the server recorded the detention.</summary>
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyList<DetentionTransfer> Transfers => _transfers;
    public bool IsOpen => ReleasedOn is null;

    internal static Detention Open(Detainee detainee, PartialDate? arrestedOn, string? arrestPlace,
        string? arrestingAuthority, Facility? facility, IReadOnlyList<string> charges, DateTimeOffset now)
    {
        if (arrestedOn is { } date && date.IsAfter(DateOnly.FromDateTime(now.UtcDateTime)))
        {
            throw new DomainRuleException("An arrest date cannot be in the future", "The arrest date is after today.");
        }

        return new Detention
        {
            Id = Guid.CreateVersion7(now),
            DetaineeId = detainee.Id,
            ArrestedOn = arrestedOn,
            ArrestPlace = arrestPlace,
            ArrestingAuthority = arrestingAuthority,
            FacilityId = facility?.Id,
            Charges = [.. charges],
            Organization = detainee.Organization,
            CreatedAt = now,
        };
    }

    /// <summary>Moves the open detention to another facility; the facility history is kept.</summary>
    public DetentionTransfer Transfer(Facility to, DateOnly transferredOn, DateTimeOffset now)
    {
        EnsureOpen("A closed detention cannot be transferred");
        EnsureNotBeforeKnownDates(transferredOn, "A transfer cannot predate the arrest or an earlier transfer");
        if (transferredOn > DateOnly.FromDateTime(now.UtcDateTime))
        {
            throw new DomainRuleException("A transfer date cannot be in the future", "The transfer date is after today.");
        }

        if (FacilityId == to.Id)
        {
            throw new DomainRuleException("A transfer must change the facility", "The detention is already at that facility.");
        }

        var transfer = DetentionTransfer.Create(Id, FacilityId, to.Id, transferredOn, now);
        _transfers.Add(transfer);
        FacilityId = to.Id;
        return transfer;
    }

    internal void Close(DateOnly releasedOn, DateTimeOffset now)
    {
        EnsureOpen("A closed detention cannot be released again");
        EnsureNotBeforeKnownDates(releasedOn, "A release cannot predate the arrest or a transfer");
        if (releasedOn > DateOnly.FromDateTime(now.UtcDateTime))
        {
            throw new DomainRuleException("A release date cannot be in the future", "The release date is after today.");
        }

        ReleasedOn = releasedOn;
    }

    private void EnsureOpen(string rule)
    {
        if (!IsOpen)
        {
            throw new DomainRuleException(rule, $"The detention ended on {ReleasedOn:yyyy-MM-dd}.");
        }
    }

    private void EnsureNotBeforeKnownDates(DateOnly day, string rule)
    {
        if (ArrestedOn is { } arrested && arrested.IsAfter(day))
        {
            throw new DomainRuleException(rule, $"The arrest is recorded as {arrested}.");
        }

        var lastMove = _transfers.Count == 0 ? (DateOnly?)null : _transfers.Max(t => t.TransferredOn);
        if (lastMove is { } moved && day < moved)
        {
            throw new DomainRuleException(rule, $"The last transfer is recorded on {moved:yyyy-MM-dd}.");
        }
    }
}
