namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The history of the fields the figures depend on, kept so that an answer "as known at" a past moment reads each
/// field as the record held it then. One row per version of a record, from its creation on: the values, and the
/// moment the record learned them (the writing transaction's <see cref="RecordedMoment"/>). The rows are written by
/// database triggers on every insert, and on every update that changes one of these fields, whoever writes
/// (the API, an import's set-based SQL, a hand at the console), and are never changed or deleted (the database refuses it).
/// </summary>
/// <remarks>
/// A field a figure comes to depend on joins its record's history: a column here, in the trigger that copies it
/// (migration <c>KnownAtHistory</c> and its successors), and in <see cref="KnownSql"/>, which reads it.
/// </remarks>
public static class RecordHistory
{
    /// <summary>The trigger functions that copy a record's version, on insert and on a change of a field listed.</summary>
    public const string DetaineeInserted = "detainees_versions_insert";
    public const string DetaineeChanged = "detainees_versions_update";
    public const string ReleaseInserted = "releases_versions_insert";
    public const string ReleaseChanged = "releases_versions_update";
}

/// <summary>One version of a record's fields, as a trigger copied it (<see cref="RecordHistory"/>).</summary>
public abstract class RecordVersion
{
    /// <summary>An identity, in the order the versions were written: of two recorded at the same moment (one transaction), the later is the one that stood.</summary>
    public long Id { get; private set; }

    /// <summary>When the record learned these values: the writing transaction's <see cref="RecordedMoment"/>.</summary>
    public DateTimeOffset RecordedAt { get; private set; }
}

/// <summary>The fields of a person that figures depend on (breakdowns, and who may be named), as recorded at a moment.</summary>
public sealed class DetaineeVersion : RecordVersion
{
    private DetaineeVersion() { }

    public Guid DetaineeId { get; private set; }
    public Gender Gender { get; private set; }
    public List<string> Nationalities { get; private set; } = [];
    public List<string> Categories { get; private set; } = [];
    public bool IsProtected { get; private set; }
}

/// <summary>The fields of a release that figures depend on (breakdowns, charges pending), as recorded at a moment.</summary>
public sealed class ReleaseVersion : RecordVersion
{
    private ReleaseVersion() { }

    public Guid ReleaseId { get; private set; }
    public ReleaseKind Kind { get; private set; }
    public Guid? FacilityId { get; private set; }
    public bool? ChargesDropped { get; private set; }
}
