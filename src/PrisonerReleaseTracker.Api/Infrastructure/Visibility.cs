using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// How the record appears to a caller, from the rules of <see cref="Disclosure"/>: a person the caller may not identify
/// (a protected person held by another organization) appears under a stable pseudonym, and nothing hanging off them
/// reaches the caller either (names, birth date, identifiers; release and decision notes and sources; arrest place,
/// authority and charges), nor the url and title of a source cited for them, whoever else cites it. Sensitive fields
/// (national id, notes) reach only who holds the record.
/// </summary>
public static class Visibility
{
    /// <summary>
    /// Whether a source is cited, by a release or a decision, for a person the reader may not identify. The reader
    /// never sees such a source's url or title.
    /// </summary>
    /// <remarks>
    /// It reads <see cref="ProtectedCitations"/>, which organizations' protected people each source is cited for, kept by
    /// the database with every write: one index probe a source, whatever the number of releases and decisions that cite
    /// it. Asked of the releases and decisions themselves, a source cost up to one row visit per citation, most of a
    /// release by id's time in the database (bench/README.md, "The withheld-source check from one table").
    /// </remarks>
    public static readonly Expression<Func<AppDbContext, string, Role, Guid, bool>> WithheldSourceRule = (db, readerOrganization, readerRole, sourceId) =>
        db.ProtectedCitations.Any(c => c.SourceId == sourceId && c.Citations > 0
            && !Disclosure.Identifies(readerOrganization, readerRole, true, c.Organization));

    /// <summary>The rules queries may call, for <see cref="RuleExpansion"/>.</summary>
    public static IReadOnlyDictionary<MethodInfo, LambdaExpression> Rules { get; } = new Dictionary<MethodInfo, LambdaExpression>
    {
        [typeof(Visibility).GetMethod(nameof(WithheldSource))!] = WithheldSourceRule,
    };

    /// <summary>See <see cref="WithheldSourceRule"/>; only inside queries.</summary>
    public static bool WithheldSource(AppDbContext db, string readerOrganization, Role readerRole, Guid sourceId) =>
        throw new NotSupportedException("Only inside queries: it reads the record.");

    /// <summary>
    /// The people <paramref name="caller"/> may identify: what a name search, an import's namesakes, or a list's matches may
    /// find. An anonymous reader (null) holds no record: no organization, the least role.
    /// </summary>
    public static IQueryable<Detainee> IdentifiableBy(this IQueryable<Detainee> people, Caller? caller)
    {
        var (organization, role) = caller is null ? ("", Role.Researcher) : (caller.Organization, caller.Role);
        return people.Where(d => Disclosure.Identifies(organization, role, d.IsProtected, d.Organization));
    }

    /// <summary>How the person <paramref name="personId"/> appears to <paramref name="caller"/>.</summary>
    public static Seen See(this Caller caller, Guid personId, bool isProtected, string organization) => new(
        personId,
        Disclosure.Identifies(caller.Organization, caller.Role, isProtected, organization),
        Disclosure.Holds(caller.Organization, caller.Role, organization));

    /// <summary>A stable pseudonym, the same in every answer, that reveals nothing of the person.</summary>
    public static string ProtectedLabel(Guid personId) =>
        "Protected person " + Convert.ToHexString(SHA256.HashData(personId.ToByteArray()))[..4];
}

/// <summary>How one person appears to one caller; every field that concerns the person asks it.</summary>
/// <param name="PersonId">The person.</param>
/// <param name="Identified">Whether the caller may identify the person (see <see cref="Disclosure.IdentifiesRule"/>).</param>
/// <param name="Held">Whether the caller holds the person's record (see <see cref="Disclosure.HoldsRule"/>).</param>
public readonly record struct Seen(Guid PersonId, bool Identified, bool Held)
{
    /// <summary>The name, or the pseudonym.</summary>
    public string Name(string fullName) => Identified ? fullName : Visibility.ProtectedLabel(PersonId);

    /// <summary>A field that identifies the person or hangs off them: null for a caller who may not identify them.</summary>
    public string? Identifying(string? value) => Identified ? value : null;

    /// <inheritdoc cref="Identifying(string?)"/>
    public PartialDate? Identifying(PartialDate? value) => Identified ? value : null;

    /// <summary>A list that identifies the person or hangs off them: empty for a caller who may not identify them.</summary>
    public IReadOnlyList<T> Identifying<T>(IReadOnlyList<T> values) => Identified ? values : [];

    /// <summary>A sensitive field (national id, notes): only for who holds the record.</summary>
    public string? Sensitive(string? value) => Held ? value : null;
}
