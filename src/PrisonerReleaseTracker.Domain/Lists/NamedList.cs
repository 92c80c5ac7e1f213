using System.Globalization;
using PrisonerReleaseTracker.Domain.Claims;

namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>What the people on a list are said to be.</summary>
public enum ListMetric
{
    /// <summary>Released: a list of those freed.</summary>
    Releases,
    /// <summary>Detained: a list of those held.</summary>
    Detained,
}

/// <summary>A published list as a client describes it, before its entries.</summary>
public sealed record ListStatement(
    string Title,
    string Claimant,
    ClaimantKind ClaimantKind,
    ListMetric Metric,
    DateTimeOffset StatedAt,
    DateOnly PeriodFrom,
    DateOnly? PeriodTo,
    IReadOnlyList<Guid> SourceIds);

/// <summary>
/// A list of names somebody published ("the lists of those released so far"), reconciled person by person against the
/// record. Like a claim it stands apart from the record: its entries are never merged into it, only matched against it.
/// The entries come once, as published, and are never edited.
/// </summary>
public sealed class NamedList : Statement
{
    /// <summary>The most entries one list may have.</summary>
    public const int MaxEntries = 100_000;

    private NamedList() { Title = null!; Organization = null!; }

    public Guid Id { get; private set; }
    public string Title { get; private set; }
    public ListMetric Metric { get; private set; }
    /// <summary>Where it was published, each source once.</summary>
    public List<Guid> SourceIds { get; private set; } = [];
    /// <summary>The claimed count this list backs, if any.</summary>
    public Guid? ClaimId { get; private set; }
    /// <summary>The organization whose key recorded it: only its keys may upload the entries; its national ids alone are compared with the entries'.</summary>
    public string Organization { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When the entries were uploaded and matched; null until then.</summary>
    public DateTimeOffset? EntriesUploadedAt { get; private set; }
    /// <summary>How many entries the list has (0 until they are uploaded).</summary>
    public int EntryCount { get; private set; }

    /// <summary>Records a list; when it backs <paramref name="claim"/>, the claim must count what the list lists.</summary>
    public static NamedList Publish(ListStatement statement, Claim? claim, string organization, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var list = new NamedList
        {
            Id = Guid.CreateVersion7(now),
            Title = statement.Title.Trim(),
            Metric = statement.Metric,
            SourceIds = [.. statement.SourceIds.Distinct()],
            ClaimId = claim?.Id,
            Organization = organization,
            CreatedAt = now,
        };
        // The period's days are those a release must be dated in to decide an entry.
        list.Date(statement.Claimant, statement.ClaimantKind, statement.StatedAt, statement.PeriodFrom, statement.PeriodTo, now, "list", "published");
        if (claim is not null && !Counts(claim.Metric, statement.Metric))
        {
            throw new DomainRuleException("A list backs a claim that counts what it lists",
                $"The claim counts {claim.Metric}; the list lists {statement.Metric}.");
        }

        return list;
    }

    /// <summary>Refuses entries when the list has them already: a list is published once, and its entries are what was published.</summary>
    public void EnsureOpenForEntries()
    {
        if (EntriesUploadedAt is { } uploaded)
        {
            throw new DomainRuleException("A list's entries are uploaded once",
                string.Create(CultureInfo.InvariantCulture,
                    $"This list's {EntryCount} entries were uploaded at {uploaded:yyyy-MM-dd HH:mm:ss} UTC; record a new list for a new version."));
        }
    }

    /// <summary>Takes the entries, once.</summary>
    public void AcceptEntries(int count, DateTimeOffset now)
    {
        EnsureOpenForEntries();

        if (count is < 1 or > MaxEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A list has 1 to {MaxEntries} entries.");
        }

        EntriesUploadedAt = now;
        EntryCount = count;
    }

    /// <summary>Whether a claim of <paramref name="claimMetric"/> is a count of a list of <paramref name="listMetric"/>.</summary>
    public static bool Counts(ClaimMetric claimMetric, ListMetric listMetric) => (claimMetric, listMetric) switch
    {
        (ClaimMetric.Releases, ListMetric.Releases) => true,
        (ClaimMetric.Detained, ListMetric.Detained) => true,
        _ => false,
    };
}
