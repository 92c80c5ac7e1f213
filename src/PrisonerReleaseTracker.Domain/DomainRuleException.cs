namespace PrisonerReleaseTracker.Domain;

/// <summary>
/// A rule of the domain was broken. The API answers 409 with <see cref="Rule"/> as the problem title,
/// so a client learns which rule, never how the code is built.
/// </summary>
public sealed class DomainRuleException(string rule, string detail) : Exception(detail)
{
    /// <summary>The rule, in words, as the client reads it in the problem title.</summary>
    public string Rule { get; } = rule;
}
