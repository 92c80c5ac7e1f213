using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// The moment a write becomes known to the record: one per transaction, taken when the transaction takes the audit
/// chain's lock (<see cref="AuditTrail.LockAsync"/>), which it holds until it commits. It is the later of the clock
/// and a microsecond after the chain's last entry, so moments increase in commit order whatever the instances' clocks
/// say: a write that commits after a reader's moment is recorded after it. Answers "known at" a moment
/// (<c>knownAt</c>) count what was recorded by then, so that, once that moment has passed, nothing written later
/// changes them: backdated decisions, retractions, late reports and imports, edits of a person.
/// </summary>
/// <remarks>
/// The moment is what the record says it learned each fact at: a release's <c>created_at</c>, a decision's
/// <c>recorded_at</c>, a claim's <c>created_at</c> and <c>end_recorded_at</c>, the audit entries' <c>at</c>, and the
/// <see cref="RecordHistory"/> rows, which the database's triggers write with <c>prt_recorded_at()</c>: the
/// transaction's <see cref="Setting"/>, or the clock for a write made outside the API.
/// </remarks>
public static class RecordedMoment
{
    /// <summary>The transaction-local setting that holds the moment for the database's triggers.</summary>
    public const string Setting = "prt.recorded_at";

    /// <summary>Writes <paramref name="moment"/> into the columns that say when the record learned what is being saved.</summary>
    public static void Stamp(ChangeTracker tracker, DateTimeOffset moment)
    {
        foreach (var entry in tracker.Entries())
        {
            switch (entry.Entity)
            {
                case Release when entry.State == EntityState.Added:
                    entry.Property(nameof(Release.CreatedAt)).CurrentValue = moment;
                    break;
                case VerificationEvent when entry.State == EntityState.Added:
                    entry.Property(nameof(VerificationEvent.RecordedAt)).CurrentValue = moment;
                    break;
                case Claim claim when entry.State is EntityState.Added or EntityState.Modified:
                    if (entry.State == EntityState.Added)
                    {
                        entry.Property(nameof(Claim.CreatedAt)).CurrentValue = moment;
                    }

                    if (claim.EndedAt is not null && (entry.State == EntityState.Added || entry.Property(nameof(Claim.EndedAt)).IsModified))
                    {
                        entry.Property(nameof(Claim.EndRecordedAt)).CurrentValue = moment;
                    }

                    break;
            }
        }
    }
}
