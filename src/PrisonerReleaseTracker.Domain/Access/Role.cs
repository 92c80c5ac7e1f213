namespace PrisonerReleaseTracker.Domain.Access;

/// <summary>
/// What a key may do. <see cref="Researcher"/> &lt; <see cref="Contributor"/> &lt; <see cref="Verifier"/> &lt;
/// <see cref="OrganizationAdmin"/> act for their organization, each including the ones before it (<see cref="Roles.Grants"/>).
/// <see cref="Admin"/> stands apart: the operators of the service, who manage keys and read the audit log, but hold no record.
/// Stored by name: a name, once used, keeps its meaning (the numbers are not stored).
/// </summary>
public enum Role
{
    /// <summary>Reads records.</summary>
    Researcher = 1,
    /// <summary>Writes records of its organization.</summary>
    Contributor = 2,
    /// <summary>Records verification decisions.</summary>
    Verifier = 3,
    /// <summary>
    /// An operator of the service: manages the keys of every organization and reads the audit log; writes no record, decides
    /// nothing, and sees records as another organization does (no protected person's identity, no sensitive field).
    /// </summary>
    Admin = 4,
    /// <summary>Manages its own organization's keys (up to this role); otherwise a Verifier of its organization.</summary>
    OrganizationAdmin = 5,
}

/// <summary>What each role may do, written once: the authorization policies and the key rules ask here.</summary>
public static class Roles
{
    /// <summary>The roles that act for an organization, least first.</summary>
    public static IReadOnlyList<Role> OfOrganizations { get; } = [Role.Researcher, Role.Contributor, Role.Verifier, Role.OrganizationAdmin];

    /// <summary>
    /// Whether a key of role <paramref name="held"/> may do what needs <paramref name="required"/>. Every key reads
    /// (<see cref="Role.Researcher"/>); only an operator does what needs <see cref="Role.Admin"/>; an operator does nothing
    /// else; the organizations' roles each include the ones before them.
    /// </summary>
    public static bool Grants(this Role held, Role required) =>
        required == Role.Researcher
        || (held == Role.Admin ? required == Role.Admin
            : required != Role.Admin && Rank(held) >= Rank(required));

    private static int Rank(Role role)
    {
        for (var i = 0; i < OfOrganizations.Count; i++)
        {
            if (OfOrganizations[i] == role)
            {
                return i;
            }
        }

        return -1;
    }
}
