using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Tallies;

/// <summary>What a tally counts: the totals query it freezes (its <c>knownAt</c> is the moment of publication).</summary>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the figures are true at.</param>
/// <param name="GroupBy">The breakdown, by the name the totals take (<c>nationality</c>), or none.</param>
/// <param name="VerifiedBy">Only this organization's decisions count, when given.</param>
public sealed record TallyQuery(DateOnly From, DateOnly To, DateTimeOffset AsOf, string? GroupBy, string? VerifiedBy);

/// <summary>A tally as a client asks for it.</summary>
public sealed record TallyPublication(string Title, string? Note, TallyQuery Query, long? Supersedes);

/// <summary>The frozen figures and their inputs, in the canonical forms their digests are taken over (<see cref="TallyFormat"/>).</summary>
/// <param name="Answer">The canonical JSON text of the answer.</param>
/// <param name="AnswerDigest">SHA-256 of <paramref name="Answer"/>, hexadecimal.</param>
/// <param name="InputsDigest">SHA-256 of the canonical list of the row hashes.</param>
/// <param name="InputCount">How many rows the manifest has: one per release counted.</param>
/// <param name="InputKey">The per-tally key the rows' tokens are made with; never shown.</param>
public sealed record FrozenTotals(string Answer, string AnswerDigest, string InputsDigest, int InputCount, byte[] InputKey);

/// <summary>
/// A published figure: a totals answer frozen as the record knew it at the moment of publication, with a digest of
/// the answer and of its inputs, so that anyone can cite it and check it later. A tally is never edited or deleted
/// (the database refuses it); a correction is a new tally that supersedes it.
/// </summary>
public sealed class Tally
{
    private Tally()
    {
        Title = null!; Organization = null!; Answer = null!; AnswerDigest = null!; InputsDigest = null!; InputKey = null!;
    }

    public Guid Id { get; private set; }
    /// <summary>The global number, 1, 2, 3…: what a citation names.</summary>
    public long Number { get; private set; }
    public string Title { get; private set; }
    public string? Note { get; private set; }
    /// <summary>The publishing organization.</summary>
    public string Organization { get; private set; }
    /// <summary>The API key that published it.</summary>
    public Guid PublishedByKeyId { get; private set; }
    /// <summary>The first release day counted.</summary>
    public DateOnly From { get; private set; }
    /// <summary>The last release day counted; not before <see cref="From"/>.</summary>
    public DateOnly To { get; private set; }
    /// <summary>The moment the figures are true at, in UTC; never after <see cref="KnownAt"/>.</summary>
    public DateTimeOffset AsOf { get; private set; }
    /// <summary>The moment of publication: the figures count only what the record knew then.</summary>
    public DateTimeOffset KnownAt { get; private set; }
    /// <summary>The breakdown frozen with the figures, by the name the totals take (<c>nationality</c>); null for none.</summary>
    public string? GroupBy { get; private set; }
    /// <summary>The organization whose decisions alone count; null when every organization's do.</summary>
    public string? VerifiedBy { get; private set; }
    /// <summary>The version of the canonical forms the digests are taken over (<see cref="TallyFormat.Version"/>).</summary>
    public int FormatVersion { get; private set; }
    /// <summary>The answer, as canonical JSON.</summary>
    public string Answer { get; private set; }
    /// <summary>SHA-256 of <see cref="Answer"/>, hexadecimal: what the citation quotes the start of.</summary>
    public string AnswerDigest { get; private set; }
    /// <summary>SHA-256 of the canonical list of the manifest's row hashes, hexadecimal.</summary>
    public string InputsDigest { get; private set; }
    /// <summary>How many rows the manifest has: one per release counted.</summary>
    public int InputCount { get; private set; }
    /// <summary>The tally's own key the manifest's tokens (one per release counted) are made with, so that a token is opaque outside this tally; never shown.</summary>
    public byte[] InputKey { get; private set; }
    /// <summary>The number of the tally this one corrects.</summary>
    public long? SupersedesNumber { get; private set; }

    /// <summary>The query the tally froze, with its moment of publication.</summary>
    public TallyQuery Query => new(From, To, AsOf, GroupBy, VerifiedBy);

    /// <summary>
    /// The line to quote: "PrisonerReleaseTracker tally 12, published by Foro Penal: 240 verified releases, 8-25 January
    /// 2026, as of 25 January 2026 23:59 UTC, known at 26 January 2026 10:02 UTC, sha256 9f2c…", naming the organization
    /// whose decisions alone count when the tally says so.
    /// </summary>
    public string Citation() => Citation(TallyAnswer.Parse(Answer)?.Releases.Verified ?? 0);

    /// <inheritdoc cref="Citation()"/>
    public string Citation(int verified)
    {
        var what = VerifiedBy is null ? $"{verified} verified releases" : $"{verified} releases verified by {VerifiedBy}";
        return $"PrisonerReleaseTracker tally {Number}, published by {Organization}: {what}, {Period(From, To)}, as of {Moment(AsOf)}, "
            + $"known at {Moment(KnownAt)}, sha256 {AnswerDigest[..12]}…";
    }

    private static string Period(DateOnly from, DateOnly to) =>
        from == to ? Day(to, year: true)
        : from.Year == to.Year && from.Month == to.Month ? $"{from.Day}-{Day(to, year: true)}"
        : from.Year == to.Year ? $"{Day(from, year: false)}-{Day(to, year: true)}"
        : $"{Day(from, year: true)}-{Day(to, year: true)}";

    private static string Day(DateOnly day, bool year) =>
        day.ToString(year ? "d MMMM yyyy" : "d MMMM", System.Globalization.CultureInfo.InvariantCulture);

    private static string Moment(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// Publishes <paramref name="frozen"/> as tally <paramref name="number"/>, known at <paramref name="knownAt"/> (the
    /// moment of the publishing transaction). A correction names the tally it supersedes, which must be the same
    /// organization's and not corrected already.
    /// </summary>
    public static Tally Publish(TallyPublication publication, long number, Reporter publisher, DateTimeOffset knownAt, FrozenTotals frozen,
        Tally? superseded, long? supersededAlreadyBy)
    {
        var query = publication.Query;
        if (query.AsOf > knownAt)
        {
            throw new DomainRuleException("A tally cannot be as of a moment after its publication",
                $"asOf is after the moment of publication, {knownAt:O}: give an earlier instant (a date alone means the end of that day, UTC).");
        }

        if (query.To < query.From)
        {
            throw new DomainRuleException("A tally's period cannot end before it starts", "to is before from.");
        }

        if (superseded is not null)
        {
            if (superseded.Organization != publisher.Organization)
            {
                throw new DomainRuleException("Only the publishing organization can correct its tally",
                    $"Tally {superseded.Number} was published by another organization.");
            }

            if (supersededAlreadyBy is { } newer)
            {
                throw new DomainRuleException("A tally is corrected only once",
                    $"Tally {superseded.Number} is already superseded by tally {newer}: correct that one.");
            }
        }

        return new Tally
        {
            Id = Guid.CreateVersion7(knownAt),
            Number = number,
            Title = publication.Title.Trim(),
            Note = string.IsNullOrWhiteSpace(publication.Note) ? null : publication.Note.Trim(),
            Organization = publisher.Organization,
            PublishedByKeyId = publisher.KeyId,
            From = query.From,
            To = query.To,
            AsOf = query.AsOf.ToUniversalTime(),
            KnownAt = knownAt.ToUniversalTime(),
            GroupBy = query.GroupBy,
            VerifiedBy = query.VerifiedBy,
            FormatVersion = TallyFormat.Version,
            Answer = frozen.Answer,
            AnswerDigest = frozen.AnswerDigest,
            InputsDigest = frozen.InputsDigest,
            InputCount = frozen.InputCount,
            InputKey = frozen.InputKey,
            SupersedesNumber = superseded?.Number,
        };
    }
}

/// <summary>One row of a tally's input manifest: the canonical JSON of the row and its hash. Never edited.</summary>
public sealed class TallyInput
{
    private TallyInput() { Row = null!; RowHash = null!; }

    public Guid TallyId { get; private set; }
    /// <summary>The row's place in the manifest, from 0, in the order of the tokens.</summary>
    public int Position { get; private set; }
    /// <summary>The row, as canonical JSON.</summary>
    public string Row { get; private set; }
    public string RowHash { get; private set; }

    public static TallyInput Of(Guid tallyId, int position, string row, string rowHash) =>
        new() { TallyId = tallyId, Position = position, Row = row, RowHash = rowHash };
}
