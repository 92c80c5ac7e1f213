using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// A moment as a client writes it in a query string: an RFC 3339 instant with its offset, or a date alone, meaning the
/// last microsecond of that day (UTC). Read once, when the query is bound; everything after holds the instant.
/// </summary>
public static class Moment
{
    public const string Expected = "A date (YYYY-MM-DD) or an RFC 3339 instant with its offset, " + SupportedDates.Range
        + ", and no later than the end of today in any time zone.";

    /// <summary>
    /// Whether <paramref name="instant"/> has been reached somewhere: no later than the end of the latest date now current
    /// (UTC+14), read in UTC, so that <c>asOf=&lt;today&gt;</c> is valid for every reader and a moment no decision can
    /// have reached is refused.
    /// </summary>
    public static bool IsReached(DateTimeOffset instant, DateTimeOffset now) =>
        instant.UtcDateTime < DateOnly.FromDateTime(now.UtcDateTime.AddHours(14)).AddDays(1).ToDateTime(TimeOnly.MinValue);

    public static bool TryParse([NotNullWhen(true)] string? s, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(s))
        {
            return false;
        }

        if (CalendarDateConverter.TryParse(s, out var day))
        {
            instant = EndOf(day);
            return true;
        }

        // An instant names its offset (Z, or +hh:mm after the time): a clock reading without one means no moment.
        if (Rfc3339Converter.TryParse(s, out var parsed))
        {
            instant = parsed;
            return true;
        }

        return false;
    }

    /// <summary>A moment read as what it is to the answer (<see cref="AsOf"/>, <see cref="KnownAt"/>): the <c>IParsable</c> of each.</summary>
    public static T Parse<T>(string s, Func<DateTimeOffset, T> moment) =>
        TryParse(s, moment, out var result) ? result : throw new FormatException(Expected);

    /// <inheritdoc cref="Parse{T}"/>
    public static bool TryParse<T>([NotNullWhen(true)] string? s, Func<DateTimeOffset, T> moment, out T result)
    {
        var parsed = TryParse(s, out var instant);
        result = moment(instant);
        return parsed;
    }

    /// <summary>The last microsecond of <paramref name="day"/>, UTC: what a date alone means as a moment.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1).AddTicks(-10);
}

/// <summary>The moment an answer is true at (<c>asOf</c>): the latest decision that had occurred by then counts.</summary>
public readonly record struct AsOf(DateTimeOffset Instant) : IParsable<AsOf>
{
    /// <summary>Whether the moment has been reached somewhere (<see cref="Moment.IsReached"/>).</summary>
    public bool IsReachedBy(DateTimeOffset now) => Moment.IsReached(Instant, now);

    public static AsOf Parse(string s, IFormatProvider? provider) => Moment.Parse(s, static instant => new AsOf(instant));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out AsOf result) =>
        Moment.TryParse(s, static instant => new AsOf(instant), out result);
}

/// <summary>
/// The moment an answer is known at (<c>knownAt</c>): only what the record had recorded by then counts (releases
/// reported, decisions and claims entered, fields as they then stood; see <see cref="Data.RecordedMoment"/>). With
/// both moments past, the answer never changes again. Any figure that reads the record as it was known takes this.
/// </summary>
public readonly record struct KnownAt(DateTimeOffset Instant) : IParsable<KnownAt>
{
    public static KnownAt Parse(string s, IFormatProvider? provider) => Moment.Parse(s, static instant => new KnownAt(instant));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out KnownAt result) =>
        Moment.TryParse(s, static instant => new KnownAt(instant), out result);
}

/// <summary>
/// Binds every <see cref="AsOf"/> and <see cref="KnownAt"/> a query takes, nullable or not, with <see cref="MomentBinder{T}"/>:
/// a query declares a moment by its type alone, and cannot fall back to MVC's reading of it and its message.
/// </summary>
public sealed class MomentBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(AsOf) ? new MomentBinder<AsOf>()
        : context.Metadata.UnderlyingOrModelType == typeof(KnownAt) ? new MomentBinder<KnownAt>()
        : null;
}

/// <summary>Binds a moment (<see cref="AsOf"/>, <see cref="KnownAt"/>) from the query string; a value that is not one is a 400 naming the parameter and the forms accepted.</summary>
public sealed class MomentBinder<T> : IModelBinder where T : struct, IParsable<T>
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None || string.IsNullOrWhiteSpace(value.FirstValue))
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        if (T.TryParse(value.FirstValue, CultureInfo.InvariantCulture, out var moment))
        {
            bindingContext.Result = ModelBindingResult.Success(moment);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, Moment.Expected);
        }

        return Task.CompletedTask;
    }
}
