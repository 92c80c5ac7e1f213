using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Query string and route values read exactly as the OpenAPI document writes them. MVC's own binders are lenient
/// in ways a generated client never relies on and a careless one hides behind: enums from integers (<c>status=1</c>),
/// dates in any culture's shape (<c>2026/01/01</c>, <c>2026-1-1</c>). Here an enum is one of its names, a date is
/// <c>YYYY-MM-DD</c> from 1900-01-01 to 2100-12-31, an instant is RFC 3339 with its offset, a number is digits, a flag
/// is true or false, a text holds no NUL character; each is given once.
/// </summary>
public sealed partial class StrictQueryBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        if (context.BindingInfo.BindingSource is { } source && source != BindingSource.Query && source != BindingSource.Path
            && source != BindingSource.ModelBinding)
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type.IsEnum || Parsers.ContainsKey(type) ? new StrictBinder(type) : null;
    }

    private static readonly Dictionary<Type, (Func<string, object?> Parse, string Expectation)> Parsers = new()
    {
        [typeof(DateOnly)] = (text => CalendarDateConverter.TryParse(text, out var day) ? day : null, CalendarDateConverter.Expectation),
        [typeof(DateTimeOffset)] = (text => Rfc3339Converter.TryParse(text, out var instant) ? instant : null, Rfc3339Converter.Expectation),
        [typeof(int)] = (text => Digits().IsMatch(text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null,
            "Must be a whole number."),
        [typeof(bool)] = (text => text switch { "true" => true, "false" => false, _ => null }, "Must be true or false."),
        [typeof(Guid)] = (text => text.Length == 36 && Guid.TryParseExact(text, "D", out var id) ? id : null,
            "Must be a UUID, such as 019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d."),
        // PostgreSQL cannot store or compare text holding U+0000: refused here, named, never stripped.
        [typeof(string)] = (text => TextRules.HasNul(text) ? null : text, TextRules.NoNul),
    };

    [GeneratedRegex("^-?[0-9]{1,10}$")]
    private static partial Regex Digits();

    private sealed class StrictBinder(Type type) : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext context)
        {
            var values = context.ValueProvider.GetValue(context.ModelName);
            if (values == ValueProviderResult.None)
            {
                return Task.CompletedTask;
            }

            context.ModelState.SetModelValue(context.ModelName, values);
            var text = values.FirstValue;
            if (string.IsNullOrEmpty(text) && context.ModelMetadata.IsReferenceOrNullableType)
            {
                context.Result = ModelBindingResult.Success(null);
                return Task.CompletedTask;
            }

            object? value = null;
            var parsed = values.Length == 1 && text is not null && (type.IsEnum ? EnumNames.TryParse(type, text, out value) : (value = Parsers[type].Parse(text)) is not null);
            if (!parsed)
            {
                context.ModelState.TryAddModelError(context.ModelName, values.Length > 1
                    ? "Give this parameter once."
                    : type.IsEnum ? EnumNames.Expectation(type) : Parsers[type].Expectation);
                context.Result = ModelBindingResult.Failed();
                return Task.CompletedTask;
            }

            context.Result = ModelBindingResult.Success(value);
            return Task.CompletedTask;
        }
    }
}
