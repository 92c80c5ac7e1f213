using System.Resources;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// The texts of the public page in one language (<c>PageText.resx</c>, English; <c>PageText.es.resx</c>, Spanish), and
/// numbers and dates written the way its readers write them: <c>1,234</c> and <c>23 January 2026</c> in English,
/// <c>1.234</c> and <c>23 de enero de 2026</c> in Spanish. The culture is explicit, never the thread's.
/// </summary>
public sealed class PageText
{
    internal static readonly ResourceManager Resources = new(typeof(PageText));

    private static readonly Dictionary<string, PageText> ByLanguage = PageLanguage.Supported.ToDictionary(l => l, l => new PageText(l));

    private PageText(string language)
    {
        Language = language;
        Culture = CultureInfo.GetCultureInfo(language);
    }

    /// <summary>es or en.</summary>
    public string Language { get; }

    public CultureInfo Culture { get; }

    public static PageText For(string language) => ByLanguage[language];

    public string this[string name] => Resources.GetString(name, Culture) ?? throw new KeyNotFoundException($"The page has no text named {name}.");

    public string Format(string name, params object?[] values) => string.Format(Culture, this[name], values);

    public string Number(int value) => value.ToString("N0", Culture);

    public string Date(DateOnly day) => day.ToString(this["DateFormat"], Culture);

    public string ShortDate(DateOnly day) => day.ToString(this["ShortDateFormat"], Culture);

    public string Moment(DateTimeOffset moment) => moment.ToUniversalTime().ToString(this["MomentFormat"], Culture);

    /// <summary>
    /// A country's name in this language, from its ISO 3166 alpha-2 code (the names are CLDR's, kept in the resource files:
    /// .NET gives a region's name only in its own language or in English); the code itself for one the files do not have.
    /// </summary>
    public string Country(string code) => Named("Country", code, code);

    /// <summary>A text named <c>prefix_key</c>, or <paramref name="fallback"/> when there is none (a free value such as a category).</summary>
    public string Named(string prefix, string key, string fallback) => Resources.GetString($"{prefix}_{key}", Culture) ?? fallback;
}

/// <summary>The page's two languages, and which one a request asks for.</summary>
public static class PageLanguage
{
    public const string Spanish = "es";
    public const string English = "en";
    public static readonly string[] Supported = [Spanish, English];

    /// <summary><c>lang</c> when the URL has it; else the first of the reader's languages (Accept-Language, by quality) that the page has; else English.</summary>
    public static string Resolve(HttpRequest request)
    {
        if (request.Query.TryGetValue("lang", out var lang) && Supported.Contains(lang.ToString()))
        {
            return lang.ToString();
        }

        var preferred = request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && Supported.Contains(l));
        return preferred ?? English;
    }
}
