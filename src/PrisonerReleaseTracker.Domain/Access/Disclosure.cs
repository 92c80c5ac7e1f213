using System.Linq.Expressions;
using System.Reflection;

namespace PrisonerReleaseTracker.Domain.Access;

/// <summary>
/// What a reader (an organization's key and its role) may learn of a person. Each rule is written once, as an
/// expression: the same tree decides in memory (compiled once, through the methods below) and filters in the
/// database (the data layer expands a call of a method below into its expression inside every query).
/// </summary>
public static class Disclosure
{
    /// <summary>
    /// Who holds a record: the keys of its organization. An operator's key (<see cref="Role.Admin"/>) holds none, whatever
    /// organization it names: it sees every record as another organization, or an anonymous reader, does.
    /// </summary>
    public static readonly Expression<Func<string, Role, string, bool>> HoldsRule =
        (readerOrganization, readerRole, recordOrganization) => readerRole != Role.Admin && readerOrganization == recordOrganization;

    /// <summary>
    /// Who may identify a person, and see what hangs off them (notes, sources, places): anyone, unless the person is
    /// protected; then only who holds the record.
    /// </summary>
    public static readonly Expression<Func<string, Role, bool, string, bool>> IdentifiesRule = Compose(HoldsRule);

    private static readonly Func<string, Role, string, bool> HoldsCompiled = HoldsRule.Compile();
    private static readonly Func<string, Role, bool, string, bool> IdentifiesCompiled = IdentifiesRule.Compile();

    /// <summary>The rule behind each method, for the data layer to expand inside queries.</summary>
    public static IReadOnlyDictionary<MethodInfo, LambdaExpression> Rules { get; } = new Dictionary<MethodInfo, LambdaExpression>
    {
        [typeof(Disclosure).GetMethod(nameof(Holds))!] = HoldsRule,
        [typeof(Disclosure).GetMethod(nameof(Identifies))!] = IdentifiesRule,
    };

    /// <summary>See <see cref="HoldsRule"/>.</summary>
    public static bool Holds(string readerOrganization, Role readerRole, string recordOrganization) =>
        HoldsCompiled(readerOrganization, readerRole, recordOrganization);

    /// <summary>See <see cref="IdentifiesRule"/>.</summary>
    public static bool Identifies(string readerOrganization, Role readerRole, bool personIsProtected, string recordOrganization) =>
        IdentifiesCompiled(readerOrganization, readerRole, personIsProtected, recordOrganization);

    /// <summary><c>!isProtected || holds</c>, with the body of <paramref name="holds"/> written in place.</summary>
    private static Expression<Func<string, Role, bool, string, bool>> Compose(Expression<Func<string, Role, string, bool>> holds)
    {
        var isProtected = Expression.Parameter(typeof(bool), "personIsProtected");
        var (reader, role, record) = (holds.Parameters[0], holds.Parameters[1], holds.Parameters[2]);
        return Expression.Lambda<Func<string, Role, bool, string, bool>>(
            Expression.OrElse(Expression.Not(isProtected), holds.Body), reader, role, isProtected, record);
    }
}
