namespace PrisonerReleaseTracker.Api.Features.Sources;

/// <summary>A source to record.</summary>
/// <param name="Url" example="https://foropenal.com/reporte-excarcelaciones-enero-2026">Where it can be read: http or https only.</param>
/// <param name="Publisher" example="Foro Penal">Who published it.</param>
/// <param name="Kind" example="NgoReport">What kind of publisher.</param>
/// <param name="Title" example="Excarcelaciones verificadas al 23 de enero">Its title.</param>
/// <param name="PublishedAt" example="2026-01-23T20:00:00-04:00">When it was published.</param>
/// <param name="Language" example="es">BCP 47 language tag.</param>
public sealed record CreateSourceRequest(string Url, string? Publisher, SourceKind? Kind, string? Title, DateTimeOffset? PublishedAt, string? Language);

/// <summary>Where a fact comes from.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Url">Where it can be read; null when the source is cited for a protected person the caller may not identify.</param>
/// <param name="Publisher">Who published it.</param>
/// <param name="Kind">What kind of publisher.</param>
/// <param name="Title">Its title; null when the url is.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="Language">BCP 47 language tag.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record SourceResponse(
    Guid Id, string? Url, string? Publisher, SourceKind Kind, string? Title, DateTimeOffset? PublishedAt, string? Language, DateTimeOffset CreatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    /// <summary>The answer for a source; <paramref name="withheld"/> when it is cited for a person the caller may not identify.</summary>
    internal static SourceResponse From(Source s, uint version, bool withheld) => new(
        s.Id, withheld ? null : s.Url, s.Publisher, s.Kind, withheld ? null : s.Title, s.PublishedAt, s.Language, s.CreatedAt, ETags.From(version));
}

/// <summary>Paging of the source list.</summary>
public sealed record SourceListQuery : RecordPageQuery
{
    /// <summary>Only sources of this kind.</summary>
    public SourceKind? Kind { get; init; }
}

internal sealed class CreateSourceRequestValidator : AbstractValidator<CreateSourceRequest>
{
    public CreateSourceRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(Limits.Url).Must(Source.IsAcceptableUrl).WithMessage("Must be an absolute http or https URL.");
        RuleFor(r => r.Publisher).MaximumLength(Limits.ShortText);
        RuleFor(r => r.Kind).NotNull();
        RuleFor(r => r.Title).MaximumLength(Limits.Name);
        RuleFor(r => r.PublishedAt).LessThanOrEqualTo(_ => clock.GetUtcNow()).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Language).MaximumLength(Limits.Language).Matches("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$").WithMessage("Must be a BCP 47 language tag, such as es.");
    }
}

internal sealed class SourceListQueryValidator : PageQueryValidator<SourceListQuery>;

/// <summary>Checks that cited sources exist; an unknown id is the client's mistake, a 400.</summary>
public static class SourceReferences
{
    /// <summary>The error map for the unknown ids among <paramref name="ids"/>, keyed <c>sourceIds[i]</c>; empty when all exist.</summary>
    public static async Task<Dictionary<string, string[]>> FindUnknownAsync(AppDbContext db, IReadOnlyList<Guid>? ids, CancellationToken ct)
    {
        if (ids is not { Count: > 0 })
        {
            return [];
        }

        var distinct = ids.Distinct().ToList();
        var known = await db.Sources.Where(s => distinct.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        return ids.Select((id, index) => (id, index))
            .Where(x => !known.Contains(x.id))
            .ToDictionary(x => $"sourceIds[{x.index}]", _ => new[] { "No source with this id." });
    }
}
