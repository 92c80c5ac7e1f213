namespace PrisonerReleaseTracker.Domain.Access;

/// <summary>What a key may do; each role includes the ones before it.</summary>
public enum Role
{
    /// <summary>Reads records.</summary>
    Researcher = 1,
    /// <summary>Writes records.</summary>
    Contributor = 2,
    /// <summary>Records verification decisions.</summary>
    Verifier = 3,
    /// <summary>Manages keys and reads the audit log.</summary>
    Admin = 4,
}
