namespace PrisonerReleaseTracker.Domain.Sources;

/// <summary>What kind of publisher a source is.</summary>
public enum SourceKind { GovernmentStatement, NgoReport, NewsMedia, SocialMedia, Family, Lawyer, CourtDocument, Other }

/// <summary>Where a fact comes from.</summary>
public sealed class Source
{
    private Source() { Url = null!; Organization = null!; }

    public Guid Id { get; private set; }
    /// <summary>Where it can be read: an absolute http or https URL, trimmed.</summary>
    public string Url { get; private set; }
    public string? Publisher { get; private set; }
    public SourceKind Kind { get; private set; }
    public string? Title { get; private set; }
    /// <summary>When it was published, in UTC; null when unknown.</summary>
    public DateTimeOffset? PublishedAt { get; private set; }
    /// <summary>A BCP 47 language tag, such as <c>es</c>.</summary>
    public string? Language { get; private set; }
    /// <summary>The organization whose key recorded it.</summary>
    public string Organization { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Whether a URL is absolute http or https: the only kinds a source may point at.</summary>
    public static bool IsAcceptableUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static Source Create(string url, string? publisher, SourceKind kind, string? title, DateTimeOffset? publishedAt,
        string? language, string organization, DateTimeOffset now)
    {
        if (!IsAcceptableUrl(url))
        {
            throw new DomainRuleException("A source URL must be http or https", "Only web addresses can be cited.");
        }

        return new Source
        {
            Id = Guid.CreateVersion7(now),
            Url = url.Trim(),
            Publisher = publisher,
            Kind = kind,
            Title = title,
            PublishedAt = publishedAt?.ToUniversalTime(),
            Language = language,
            Organization = organization,
            CreatedAt = now,
        };
    }
}
