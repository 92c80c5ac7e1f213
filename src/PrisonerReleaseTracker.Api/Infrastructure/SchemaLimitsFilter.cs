using System.Globalization;
using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using PrisonerReleaseTracker.Domain;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Gives every string, number and array in the document its bounds, so clients and gateways know them:
/// request fields take theirs from the FluentValidation rules that enforce them; identifiers and dates
/// from their format; everything else from the largest text the API stores or the largest page it sends.
/// </summary>
public sealed class SchemaLimitsFilter(IServiceProvider services) : ISchemaFilter
{
    /// <summary>Longer than any text the API stores (notes and quoted claims are the longest).</summary>
    private const int AnyText = Limits.Note;

    /// <summary>More items than any list the API sends outside a page (timeline points, breakdown keys).</summary>
    private const int AnyList = 10_000;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete || concrete.Enum is { Count: > 0 } || concrete.Type is null)
        {
            return;
        }

        var rules = RulesFor(context.MemberInfo);
        var type = concrete.Type.Value & ~JsonSchemaType.Null;
        if (type == JsonSchemaType.String)
        {
            concrete.MaxLength ??= concrete.Format switch
            {
                "uuid" => 36,
                "date" => 10,
                "date-time" => 35,
                _ => rules.OfType<ILengthValidator>().Select(r => (int?)r.Max).FirstOrDefault(m => m > 0) ?? AnyText,
            };
        }
        else if (type is JsonSchemaType.Integer or JsonSchemaType.Number)
        {
            var between = rules.OfType<IBetweenValidator>().FirstOrDefault();
            concrete.Minimum ??= Format(between?.From) ?? "0";
            concrete.Maximum ??= Format(between?.To) ?? (concrete.Format == "int64" ? long.MaxValue : int.MaxValue).ToString(CultureInfo.InvariantCulture);
        }
        else if (type == JsonSchemaType.Array)
        {
            concrete.MaxItems ??= context.MemberInfo?.DeclaringType switch
            {
                { IsGenericType: true } page when page.GetGenericTypeDefinition() == typeof(Page<>) => PageQuery.MaxLimit,
                { } declaring when IsRequest(declaring) => Limits.ListItems,
                _ => AnyList,
            };
        }
    }

    private static string? Format(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    private bool IsRequest(Type type) => services.GetService(typeof(IValidator<>).MakeGenericType(type)) is not null;

    private List<IPropertyValidator> RulesFor(MemberInfo? member) => ValidatorRules.For(services, member);
}

/// <summary>The FluentValidation rules of a request member, for the document.</summary>
internal static class ValidatorRules
{
    /// <summary>
    /// The rules on <paramref name="member"/> in the validator of the type it was read from (a query record may inherit
    /// the member from a base shared with another, whose validators share the base's rules).
    /// </summary>
    public static List<IPropertyValidator> For(IServiceProvider services, MemberInfo? member)
    {
        if ((member?.ReflectedType ?? member?.DeclaringType) is not { } type
            || services.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator)
        {
            return [];
        }

        return [.. validator.CreateDescriptor().GetValidatorsForMember(member!.Name).Select(rule => rule.Validator)];
    }
}

/// <summary>A query parameter its validator requires (NotNull, NotEmpty) is <c>required</c> in the document.</summary>
public sealed class RequiredParametersFilter(IServiceProvider services) : IParameterFilter
{
    public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
    {
        if (parameter is OpenApiParameter concrete
            && ValidatorRules.For(services, context.PropertyInfo).Any(rule => rule is INotNullValidator or INotEmptyValidator))
        {
            concrete.Required = true;
        }
    }
}
