using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc.Formatters;

namespace PrisonerReleaseTracker.Api.Infrastructure.Json;

/// <summary>
/// Reads JSON request bodies so that a client learns of every invalid field in one answer. A serializer stops at
/// the first value it cannot read; this reader walks the body beside the request type, reads each value alone,
/// records every one it cannot read under its JSON path (<c>birthDate</c>, <c>nationalities[1]</c>,
/// <c>count.qualifier</c>) with what was expected, and leaves it out, so the request's validator still runs on
/// the rest. Both kinds of error reach the client together in one 400 (see <see cref="ValidationFilter"/>).
/// </summary>
public sealed class RequestJsonInputFormatter : TextInputFormatter, IInputFormatterExceptionPolicy
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    private readonly JsonSerializerOptions _options;

    public RequestJsonInputFormatter(JsonSerializerOptions options)
    {
        _options = options;
        SupportedEncodings.Add(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        SupportedMediaTypes.Add("application/json");
        SupportedMediaTypes.Add("text/json");
        SupportedMediaTypes.Add("application/*+json");
    }

    public InputFormatterExceptionPolicy ExceptionPolicy => InputFormatterExceptionPolicy.MalformedInputExceptions;

    public override async Task<InputFormatterResult> ReadRequestBodyAsync(InputFormatterContext context, Encoding encoding)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.HttpContext.Request.Body, documentOptions: DocumentOptions,
                cancellationToken: context.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            context.ModelState.TryAddModelError(FieldPath.Body, $"The body is not valid JSON{where}.");
            return await InputFormatterResult.FailureAsync();
        }

        if (body is null)
        {
            context.ModelState.TryAddModelError(FieldPath.Body, "A request body is required.");
            return await InputFormatterResult.FailureAsync();
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var readable = Walk(body, context.ModelType, "", errors);
        foreach (var (path, message) in errors)
        {
            context.ModelState.TryAddModelError(FieldPath.OrBody(path), message);
        }

        if (readable is Outcome.Failed)
        {
            return await InputFormatterResult.FailureAsync();
        }

        try
        {
            return await InputFormatterResult.SuccessAsync(body.Deserialize(context.ModelType, _options));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            // Every value was read alone above; what fails only as a whole is the body's shape, named as such.
            context.ModelState.TryAddModelError(FieldPath.Body, "The body could not be read as this operation's request.");
            return await InputFormatterResult.FailureAsync();
        }
    }

    private enum Outcome { Read, Failed }

    /// <summary>Checks <paramref name="node"/> as a <paramref name="type"/>; unreadable values below it are recorded and replaced.</summary>
    private Outcome Walk(JsonNode? node, Type type, string path, Dictionary<string, string> errors)
    {
        if (node is null)
        {
            return Outcome.Read; // whether null is allowed here is the validator's to say
        }

        var info = _options.GetTypeInfo(type);
        if (info.Kind == JsonTypeInfoKind.Object && node is JsonObject item)
        {
            if (Members(item) is not { } members)
            {
                errors[path] = "Member names must be valid UTF-8 text.";
                return Outcome.Failed;
            }

            foreach (var (name, value) in members)
            {
                var member = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (member is not null && Walk(value, member.PropertyType, FieldPath.Member(path, member.Name), errors) == Outcome.Failed)
                {
                    Replace(item, name, member.PropertyType);
                }
            }

            return Outcome.Read;
        }

        if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } elementType && node is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                // No list of the API holds nulls; an item that is null is refused, not passed on for a rule to trip over.
                if (list[i] is null)
                {
                    errors[FieldPath.Index(path, i)] = "Must not be null.";
                    list[i] = Placeholder(elementType);
                }
                else if (Walk(list[i], elementType, FieldPath.Index(path, i), errors) == Outcome.Failed)
                {
                    list[i] = Placeholder(elementType);
                }
            }

            return Outcome.Read;
        }

        if (node.GetValueKind() == JsonValueKind.String && TextProblem(node) is { } problem)
        {
            errors[path] = problem;
            return Outcome.Failed;
        }

        try
        {
            node.Deserialize(type, _options);
            return Outcome.Read;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            errors[path] = Expectation(type, info);
            return Outcome.Failed;
        }
    }

    /// <summary>An unreadable member is left out (null where it may be); the validator does not report it twice.</summary>
    private static void Replace(JsonObject item, string name, Type type)
    {
        if (AllowsNull(type))
        {
            item[name] = null;
        }
        else
        {
            item.Remove(name);
        }
    }

    /// <summary>
    /// What stands in for an unreadable list item, so that the rules beside the request still run on the rest without
    /// tripping over it (their findings about it are not reported: the item is, once). Items are never null.
    /// </summary>
    private JsonNode? Placeholder(Type type) => _options.GetTypeInfo(type) switch
    {
        _ when type == typeof(string) => JsonValue.Create(""),
        _ when (Nullable.GetUnderlyingType(type) ?? type).IsEnum => JsonValue.Create(EnumNames.Of(Nullable.GetUnderlyingType(type) ?? type)[0]),
        { Kind: JsonTypeInfoKind.Object } => new JsonObject(),
        { Kind: JsonTypeInfoKind.Enumerable } => new JsonArray(),
        _ when Nullable.GetUnderlyingType(type) is { } plain => JsonSerializer.SerializeToNode(Activator.CreateInstance(plain), plain, _options),
        _ when type.IsValueType => JsonSerializer.SerializeToNode(Activator.CreateInstance(type), type, _options),
        _ => null,
    };

    /// <summary>The members of an object, or null when a name is not valid UTF-8 (read lazily, it cannot be decoded).</summary>
    private static List<KeyValuePair<string, JsonNode?>>? Members(JsonObject item)
    {
        try
        {
            return [.. item];
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Why a string value cannot be stored: bytes that are not UTF-8, or a NUL character; null when it can.</summary>
    private static string? TextProblem(JsonNode node)
    {
        try
        {
            return TextRules.HasNul(node.GetValue<string>()) ? TextRules.NoNul : null;
        }
        catch (InvalidOperationException)
        {
            return TextRules.NotUtf8; // the parser checks structure; a string's bytes are decoded only when read
        }
    }

    private static bool AllowsNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    /// <summary>What a value of <paramref name="type"/> looks like, in the words the OpenAPI document uses.</summary>
    private static string Expectation(Type type, JsonTypeInfo info)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain switch
        {
            _ when plain.IsEnum => EnumNames.Expectation(plain),
            _ when plain == typeof(DateOnly) => CalendarDateConverter.Expectation,
            _ when plain == typeof(DateTimeOffset) => Rfc3339Converter.Expectation,
            _ when plain == typeof(Guid) => "Must be a UUID, such as 019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d.",
            _ when plain == typeof(PartialDate) => "Must be a date as YYYY, YYYY-MM or YYYY-MM-DD, naming a real day, " + SupportedDates.Range + ".",
            _ when plain == typeof(bool) => "Must be true or false.",
            _ when plain == typeof(int) || plain == typeof(long) => "Must be a whole number in range.",
            _ when plain == typeof(string) => "Must be a string.",
            _ when info.Kind == JsonTypeInfoKind.Enumerable => "Must be an array.",
            _ => "Must be an object.",
        };
    }
}

/// <summary>Field paths as clients write them: <c>count.qualifier</c>, <c>nationalities[1]</c>; the whole body is <c>body</c>.</summary>
public static class FieldPath
{
    public const string Body = "body";

    public static string Member(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => $"{path}[{index}]";

    public static string OrBody(string path) => path.Length == 0 ? Body : path;

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies inside it.</summary>
    public static bool IsWithin(string path, string ancestor) =>
        ancestor == Body || path == ancestor
        || (path.StartsWith(ancestor, StringComparison.Ordinal) && path.Length > ancestor.Length && path[ancestor.Length] is '.' or '[');
}
