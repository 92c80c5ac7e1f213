using System.Text;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// What a view of the public page shows, read from its URL: the query parameters of <c>/api/v1/totals</c> (<c>from</c>,
/// <c>to</c>, <c>asOf</c>, <c>knownAt</c>, <c>groupBy</c>) plus <c>lang</c>, read as strictly as the API reads them and
/// checked by the same validators. Parameters the page does not know are ignored (links carry tracking tags).
/// </summary>
/// <param name="From">First release day shown.</param>
/// <param name="To">Last release day shown; the date of the moment when omitted.</param>
/// <param name="AsOfText">asOf as written in the URL, kept for the links; null means now.</param>
/// <param name="AsOf">asOf read as the API reads it; null means now.</param>
/// <param name="KnownAtText">knownAt as written in the URL (or as a tally gives it), kept for the links; null means now.</param>
/// <param name="KnownAt">knownAt read as the API reads it; null means now.</param>
/// <param name="GroupBy">One breakdown only; null shows the main four.</param>
/// <param name="Language">es or en.</param>
/// <param name="LanguageInUrl">Whether the URL chose the language (else Accept-Language did).</param>
/// <param name="DefaultPeriod">Whether the period is the default one (no <c>from</c> in the URL).</param>
/// <param name="Tally">The published tally the view shows, when it is the default view and a followed organization has published one.</param>
public sealed record PageQuery(DateOnly From, DateOnly? To, string? AsOfText, AsOf? AsOf, string? KnownAtText, KnownAt? KnownAt, TotalsGroupBy? GroupBy,
    string Language, bool LanguageInUrl, bool DefaultPeriod, PublishedTally? Tally = null)
{
    /// <summary>The period and the moments, as <c>/api/v1/totals</c> takes them.</summary>
    public TotalsScopeQuery Scope => new TotalsQuery { From = From, To = To, AsOf = AsOf, KnownAt = KnownAt };

    /// <summary>Whether the URL names no period and no moment: the view a followed organization's latest tally replaces.</summary>
    public bool NamesNothing => DefaultPeriod && To is null && AsOf is null && KnownAt is null;

    /// <summary>
    /// The default view shows the latest tally of a followed organization: its period and its two moments, so that the
    /// page's figures are the tally's, whatever was written since.
    /// </summary>
    public PageQuery ShowingTally(PublishedTally tally) => this with
    {
        From = tally.From, To = tally.To, AsOfText = Instant(tally.AsOf), AsOf = new AsOf(tally.AsOf), KnownAtText = Instant(tally.KnownAt),
        KnownAt = new KnownAt(tally.KnownAt), Tally = tally,
    };

    /// <summary>The default period's length, ending on the day of the moment asked about.</summary>
    public const int DefaultDays = 30;

    /// <summary>The parameters read; the names of those that are not valid in <paramref name="invalid"/>.</summary>
    public static PageQuery? Read(HttpRequest request, DateOnly today, out IReadOnlyList<string> invalid)
    {
        var errors = new List<string>();
        var query = request.Query;
        var clock = request.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var from = Date(query, "from", errors);
        var to = Date(query, "to", errors);
        var asOfText = Text(query, "asOf");
        var asOf = Parsed<AsOf>(asOfText, "asOf", errors);
        var knownAtText = Text(query, "knownAt");
        var knownAt = Parsed<KnownAt>(knownAtText, "knownAt", errors);

        TotalsGroupBy? groupBy = null;
        if (Text(query, "groupBy") is { } groupByText)
        {
            if (EnumNames.TryParse(typeof(TotalsGroupBy), groupByText, out var parsed))
            {
                groupBy = (TotalsGroupBy)parsed!;
            }
            else
            {
                errors.Add("groupBy");
            }
        }

        var lang = Text(query, "lang");
        if (lang is not null && !PageLanguage.Supported.Contains(lang))
        {
            errors.Add("lang");
        }

        var language = PageLanguage.Resolve(request);
        if (errors.Count > 0)
        {
            invalid = errors;
            return null;
        }

        // Without a tally to show, the default view is the last 30 days, ending on the day of the moment asked about.
        var end = to ?? (asOf is { } moment ? DateOnly.FromDateTime(moment.Instant.UtcDateTime) : today);
        var first = from ?? end.AddDays(1 - DefaultDays);
        var totals = new TotalsQuery { From = first, To = to, AsOf = asOf, GroupBy = groupBy };
        var timeline = new TimelineQuery { From = first, To = to ?? end, AsOf = asOf };
        errors.AddRange(new TotalsQueryValidator(clock).Validate(totals).Errors.Select(e => Parameter(e.PropertyName)));
        if (errors.Count == 0 && !new TimelineQueryValidator(clock).Validate(timeline).IsValid)
        {
            errors.Add("period");
        }

        invalid = [.. errors.Distinct()];
        return invalid.Count > 0 ? null
            : new PageQuery(first, to, asOfText, asOf, knownAtText, knownAt, groupBy, language, lang is not null, from is null);
    }

    /// <summary>The last release day shown, once the answer says what "now" was.</summary>
    public DateOnly LastDay(DateTimeOffset answeredAsOf) => To ?? DateOnly.FromDateTime(answeredAsOf.UtcDateTime);

    /// <summary>Days for a short period, weeks past three months (the page stays small for a period of years).</summary>
    public TimelineInterval Interval(DateTimeOffset answeredAsOf) =>
        LastDay(answeredAsOf).DayNumber - From.DayNumber < 93 ? TimelineInterval.Day : TimelineInterval.Week;

    /// <summary>
    /// A query string for this view: the period as shown, asOf and knownAt as written (or the answer's instants when
    /// <paramref name="pinned"/> is given, so that the link keeps meaning the same figures), groupBy, and the language.
    /// </summary>
    public string QueryString(DateTimeOffset answeredAsOf, string? language = null, (DateTimeOffset AsOf, DateTimeOffset? KnownAt)? pinned = null)
    {
        var asOf = AsOfText ?? (pinned is { } moments ? Instant(moments.AsOf) : null);
        var knownAt = KnownAtText ?? (pinned?.KnownAt is { } known ? Instant(known) : null);
        var parts = TotalsParameters(answeredAsOf, asOf, knownAt);
        parts.Add(("lang", language ?? Language));
        return Build(parts);
    }

    /// <summary>The same figures from the API: <c>/api/v1/totals</c> with the parameters it takes.</summary>
    public string ApiQueryString(DateTimeOffset answeredAsOf) => Build(TotalsParameters(answeredAsOf, AsOfText, KnownAtText));

    /// <summary>The parameters the page and <c>/api/v1/totals</c> both take, in the order both write them.</summary>
    private List<(string, string)> TotalsParameters(DateTimeOffset answeredAsOf, string? asOf, string? knownAt)
    {
        var parts = new List<(string, string)> { ("from", Iso(From)), ("to", Iso(LastDay(answeredAsOf))) };
        if (asOf is not null)
        {
            parts.Add(("asOf", asOf));
        }

        if (knownAt is not null)
        {
            parts.Add(("knownAt", knownAt));
        }

        if (GroupBy is { } by)
        {
            parts.Add(("groupBy", EnumNames.NameOf(typeof(TotalsGroupBy), by)));
        }

        return parts;
    }

    /// <summary>The URL as the reader wrote it, in another language (the language switch keeps the view, defaults included).</summary>
    public static string InLanguage(HttpRequest request, string language)
    {
        var parts = request.Query.Where(p => p.Key != "lang").Select(p => (p.Key, p.Value.ToString())).Append(("lang", language));
        return Build(parts);
    }

    private static string Build(IEnumerable<(string Name, string Value)> parts)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in parts)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString() : null;

    private static DateOnly? Date(IQueryCollection query, string name, List<string> errors)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (CalendarDateConverter.TryParse(text, out var day))
        {
            return day;
        }

        errors.Add(name);
        return null;
    }

    /// <summary>
    /// A moment (<see cref="AsOf"/>, <see cref="KnownAt"/>) read as the API binds it; none when the URL names none, and
    /// <paramref name="name"/> added to <paramref name="errors"/> when it names one that is not valid.
    /// </summary>
    private static T? Parsed<T>(string? text, string name, List<string> errors) where T : struct, IParsable<T>
    {
        if (text is null)
        {
            return null;
        }

        if (T.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        errors.Add(name);
        return null;
    }

    private static string Parameter(string property) => property switch
    {
        nameof(TotalsQuery.From) => "from",
        nameof(TotalsQuery.To) => "to",
        nameof(TotalsQuery.AsOf) => "asOf",
        nameof(TotalsQuery.KnownAt) => "knownAt",
        nameof(TotalsQuery.GroupBy) => "groupBy",
        _ => "period",
    };
}
