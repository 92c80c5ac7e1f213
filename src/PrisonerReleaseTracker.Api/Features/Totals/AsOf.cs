using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The moment an answer is true at, as a client writes it: an RFC 3339 instant with its offset, or a date alone,
/// meaning the last microsecond of that day (UTC). Read once, when the query is bound; everything after holds the instant.
/// </summary>
public readonly record struct AsOf(DateTimeOffset Instant) : IParsable<AsOf>
{
    public const string Expected = "A date (YYYY-MM-DD) or an RFC 3339 instant with its offset.";

    public static AsOf Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var result) ? result : throw new FormatException(Expected);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out AsOf result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(s))
        {
            return false;
        }

        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            result = new AsOf(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1).AddTicks(-10));
            return true;
        }

        // An instant names its offset (Z, or +hh:mm after the time): a clock reading without one means no moment.
        if (s.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (s.EndsWith('Z') || s.EndsWith('z') || s.LastIndexOfAny(['+', '-']) > s.IndexOf('T', StringComparison.Ordinal)))
        {
            result = new AsOf(instant);
            return true;
        }

        return false;
    }
}

/// <summary>Binds <see cref="AsOf"/> from the query string; a value that is not one is a 400 naming the parameter and the forms accepted.</summary>
public sealed class AsOfBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None || string.IsNullOrWhiteSpace(value.FirstValue))
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        if (AsOf.TryParse(value.FirstValue, CultureInfo.InvariantCulture, out var asOf))
        {
            bindingContext.Result = ModelBindingResult.Success(asOf);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, AsOf.Expected);
        }

        return Task.CompletedTask;
    }
}
