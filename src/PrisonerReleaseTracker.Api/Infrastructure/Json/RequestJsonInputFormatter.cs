using System.Text;
using System.Text.Json;
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

        return readable is Outcome.Failed
            ? await InputFormatterResult.FailureAsync()
            : await InputFormatterResult.SuccessAsync(body.Deserialize(context.ModelType, _options));
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
            foreach (var (name, value) in item.ToList())
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
                if (Walk(list[i], elementType, FieldPath.Index(path, i), errors) == Outcome.Failed)
                {
                    list[i] = Placeholder(elementType);
                }
            }

            return Outcome.Read;
        }

        if (node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Contains('\0', StringComparison.Ordinal))
        {
            errors[path] = "Must not contain the NUL character (U+0000).";
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

    private JsonNode? Placeholder(Type type) =>
        AllowsNull(type) ? null : JsonSerializer.SerializeToNode(Activator.CreateInstance(type), type, _options);

    private static bool AllowsNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    /// <summary>What a value of <paramref name="type"/> looks like, in the words the OpenAPI document uses.</summary>
    private static string Expectation(Type type, JsonTypeInfo info)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain switch
        {
            _ when plain.IsEnum => EnumNames.Expectation(plain),
            _ when plain == typeof(DateOnly) => "Must be a date as YYYY-MM-DD.",
            _ when plain == typeof(DateTimeOffset) => Rfc3339Converter.Expectation,
            _ when plain == typeof(Guid) => "Must be a UUID, such as 019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d.",
            _ when plain == typeof(PartialDate) => "Must be a date as YYYY, YYYY-MM or YYYY-MM-DD, naming a real day.",
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
