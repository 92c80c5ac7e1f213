using System.Linq.Expressions;
using System.Reflection;

namespace PrisonerReleaseTracker.Domain.Access;

/// <summary>
/// Who manages which keys (issues, lists, reads, revokes), written once as an expression: the same tree decides in memory
/// and filters in the database (see <see cref="Disclosure"/> for how a query expands a call of <see cref="Manages"/>).
/// </summary>
public static class KeyManagement
{
    /// <summary>
    /// An operator (<see cref="Role.Admin"/>) manages every key; an <see cref="Role.OrganizationAdmin"/> the keys of its own
    /// organization up to its own role (never an operator's key, even one named after its organization); nobody else any.
    /// So a partner organization manages its keys without holding the keys to anyone else's records, and nobody but an
    /// operator mints a Verifier under another organization's name.
    /// </summary>
    public static readonly Expression<Func<string, Role, string, Role, bool>> ManagesRule =
        (managerOrganization, managerRole, keyOrganization, keyRole) =>
            managerRole == Role.Admin
            || (managerRole == Role.OrganizationAdmin && managerOrganization == keyOrganization && keyRole != Role.Admin);

    private static readonly Func<string, Role, string, Role, bool> ManagesCompiled = ManagesRule.Compile();

    /// <summary>The rule behind each method, for the data layer to expand inside queries.</summary>
    public static IReadOnlyDictionary<MethodInfo, LambdaExpression> Rules { get; } = new Dictionary<MethodInfo, LambdaExpression>
    {
        [typeof(KeyManagement).GetMethod(nameof(Manages))!] = ManagesRule,
    };

    /// <summary>See <see cref="ManagesRule"/>.</summary>
    public static bool Manages(string managerOrganization, Role managerRole, string keyOrganization, Role keyRole) =>
        ManagesCompiled(managerOrganization, managerRole, keyOrganization, keyRole);

    /// <summary>Whether a key of <paramref name="role"/> manages any key at all: what the key endpoints require.</summary>
    public static bool ManagesKeys(Role role) => role is Role.Admin or Role.OrganizationAdmin;
}
