using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PrisonerReleaseTracker.Domain.Tallies;

/// <summary>
/// The frozen figures of a tally, format 1 (<see cref="TallyFormat.AnswerFormat"/>): the totals answer in a shape of its
/// own, so that later changes of the API's answers never change what a published digest is taken over. Moments and
/// days are strings as <see cref="TallyFormat.Instant"/> and <see cref="TallyFormat.Day"/> write them; every number is an integer.
/// </summary>
/// <param name="Format">The name of this format.</param>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the figures are true at.</param>
/// <param name="KnownAt">The moment of publication: only what the record knew then counts.</param>
/// <param name="GroupBy">The breakdown, or null.</param>
/// <param name="VerifiedBy">Only this organization's decisions count, or null for everyone's.</param>
/// <param name="Releases">Releases of the period by status.</param>
/// <param name="VerifiedPersons">Distinct people among the verified releases.</param>
/// <param name="VerifiedWithChargesNotDropped">Verified releases whose charges are known not to have been dropped.</param>
/// <param name="VerifiedWithChargesUnknown">Verified releases for whom it is not known whether the charges were dropped.</param>
/// <param name="Breakdown">Verified releases by the breakdown, most first.</param>
/// <param name="Claims">The claims set beside the figures.</param>
public sealed record TallyAnswer(string Format, string From, string To, string AsOf, string KnownAt, string? GroupBy, string? VerifiedBy,
    TallyStatusCounts Releases, int VerifiedPersons, int VerifiedWithChargesNotDropped, int VerifiedWithChargesUnknown,
    IReadOnlyList<TallyBreakdownItem> Breakdown, IReadOnlyList<TallyClaim> Claims)
{
    /// <summary>camelCase names, every member written (nulls too): the canonical form is taken over this.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The canonical text (RFC 8785) the answer digest is taken over.</summary>
    public string Canonical() => CanonicalJson.ToText(JsonSerializer.SerializeToNode(this, Json));

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="canonical"/>, lower-case hexadecimal: what the answer digest is.</summary>
    public static string Digest(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>An answer read back from its canonical text.</summary>
    public static TallyAnswer? Parse(string canonical)
    {
        try
        {
            return JsonSerializer.Deserialize<TallyAnswer>(canonical, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Releases by verification status.</summary>
public sealed record TallyStatusCounts(int Verified, int UnderVerification, int Reported, int Disputed, int Rejected, int Retracted);

/// <summary>One group of the breakdown.</summary>
/// <param name="Key">The group (a country code, a category, a facility id …), or <c>unknown</c>.</param>
/// <param name="Label">A readable name, when the key is an id.</param>
/// <param name="Verified">Verified releases in the group.</param>
public sealed record TallyBreakdownItem(string Key, string? Label, int Verified);

/// <summary>A claim beside the figures, with the verified count of its period as of its statement and as of the tally.</summary>
/// <param name="Id">The claim.</param>
/// <param name="Claimant">Who stated it.</param>
/// <param name="StatedAt">When.</param>
/// <param name="PeriodFrom">First day of the period it speaks of.</param>
/// <param name="PeriodTo">Last day.</param>
/// <param name="Count">The figure as stated ("at least 5").</param>
/// <param name="VerifiedAtClaimTime">Verified releases of its period as of its statement.</param>
/// <param name="VerifiedAsOf">Verified releases of its period as of the tally's moment.</param>
public sealed record TallyClaim(Guid Id, string Claimant, string StatedAt, string PeriodFrom, string PeriodTo, string Count, int VerifiedAtClaimTime,
    int VerifiedAsOf);
