using System.Reflection;
using FluentValidation.Internal;
using FluentValidation.Validators;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// A text the API computes that may be longer than any text it stores (a tally's canonical answer, whose breakdown and
/// claims grow with the record): its bound in the document.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LongTextAttribute(int maxLength) : Attribute
{
    public int MaxLength { get; } = maxLength;
}

/// <summary>
/// Says in the document what the validators enforce, so clients and gateways know it: a request field the
/// validator requires (NotNull, NotEmpty) is required and not nullable, whatever its C# type (value types are
/// nullable in request records so that a missing one is a 400 naming it, never a silent default); every string,
/// number and array gets its bounds: request fields from the rules that enforce them, identifiers and dates from
/// their format, everything else from the largest text the API stores or the largest page it sends.
/// </summary>
public sealed class SchemaLimitsFilter(IServiceScopeFactory scopes, IOptions<Microsoft.AspNetCore.Mvc.JsonOptions> json) : ISchemaFilter
{
    /// <summary>Longer than any text the API stores (notes and quoted claims are the longest).</summary>
    private const int AnyText = Limits.Note;

    /// <summary>More items than any list the API sends outside a page (timeline points, breakdown keys).</summary>
    private const int AnyList = 10_000;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        if (context.MemberInfo is null && context.Type is { } type && concrete.Properties is { Count: > 0 } properties)
        {
            MarkNullableReferences(type, properties);
            MarkRequired(concrete, type, properties);
        }

        if (concrete.Enum is { Count: > 0 } || concrete.Type is null)
        {
            return;
        }

        // The validator of the type the member was read from: a query record may inherit it from a base it shares with another.
        var rules = RulesFor(context.MemberInfo?.ReflectedType ?? context.MemberInfo?.DeclaringType, context.MemberInfo?.Name);
        var kind = concrete.Type.Value & ~JsonSchemaType.Null;
        if (kind == JsonSchemaType.String)
        {
            concrete.MaxLength ??= concrete.Format switch
            {
                "uuid" => 36,
                "date" => 10,
                "date-time" => 35,
                _ when context.MemberInfo?.GetCustomAttribute<LongTextAttribute>() is { } longText => longText.MaxLength,
                _ => rules.OfType<ILengthValidator>().Select(r => (int?)r.Max).FirstOrDefault(m => m > 0) ?? AnyText,
            };
        }
        else if (kind is JsonSchemaType.Integer or JsonSchemaType.Number)
        {
            var between = rules.OfType<IBetweenValidator>().FirstOrDefault();
            var atLeast = rules.OfType<IComparisonValidator>().FirstOrDefault(r => r.Comparison == Comparison.GreaterThanOrEqual && r.ValueToCompare is int);
            concrete.Minimum ??= Format(between?.From) ?? Format(atLeast?.ValueToCompare) ?? "0";
            concrete.Maximum ??= Format(between?.To) ?? (concrete.Format == "int64" ? long.MaxValue : int.MaxValue).ToString(CultureInfo.InvariantCulture);
        }
        else if (kind == JsonSchemaType.Array)
        {
            concrete.MaxItems ??= context.MemberInfo?.DeclaringType switch
            {
                { IsGenericType: true } page when page.GetGenericTypeDefinition() == typeof(Page<>) => PageQuery.MaxLimit,
                { } declaring when ValidatorOf(declaring) is not null => Limits.ListItems,
                _ => AnyList,
            };
        }
    }

    /// <summary>
    /// A nullable field whose type is another schema (<c>releaseKind</c> is null for a person never released) is that
    /// schema or null: OpenAPI 3.0 says so with <c>allOf</c> and <c>nullable</c>. No <c>type</c> beside them: NSwag and
    /// Kiota let a sibling type win over the reference and generate a string or a new class instead of the enum or record.
    /// </summary>
    private void MarkNullableReferences(Type type, IDictionary<string, IOpenApiSchema> properties)
    {
        var naming = json.Value.JsonSerializerOptions.PropertyNamingPolicy ?? JsonNamingPolicy.CamelCase;
        var nullability = new NullabilityInfoContext();
        foreach (var member in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = naming.ConvertName(member.Name);
            if (properties.TryGetValue(name, out var property) && property is OpenApiSchemaReference reference
                && nullability.Create(member).ReadState == NullabilityState.Nullable)
            {
                properties[name] = new OpenApiSchema { Type = JsonSchemaType.Null, AllOf = [reference] };
            }
        }
    }

    /// <summary>Fields the type's validator requires are required and never null in the document.</summary>
    private void MarkRequired(OpenApiSchema schema, Type type, IDictionary<string, IOpenApiSchema> properties)
    {
        if (ValidatorOf(type) is not { } validator)
        {
            return;
        }

        var descriptor = validator.CreateDescriptor();
        var naming = json.Value.JsonSerializerOptions.PropertyNamingPolicy ?? JsonNamingPolicy.CamelCase;
        foreach (var member in descriptor.GetMembersWithValidators())
        {
            var name = naming.ConvertName(member.Key);
            var requires = descriptor.GetRulesForMember(member.Key).Where(rule => !IsForEachItem(rule))
                .SelectMany(rule => rule.Components)
                .Any(component => component.Validator is INotNullValidator or INotEmptyValidator && component.HasNoCondition());
            if (!requires || !properties.TryGetValue(name, out var property))
            {
                continue;
            }

            schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
            schema.Required.Add(name);
            properties[name] = NotNullable(property);
        }
    }

    /// <summary>The property as never null: a wrapped reference becomes the plain reference again.</summary>
    private static IOpenApiSchema NotNullable(IOpenApiSchema property)
    {
        if (property is OpenApiSchema { AllOf: [OpenApiSchemaReference reference] })
        {
            return reference;
        }

        if (property is OpenApiSchema { Type: { } type } concrete)
        {
            concrete.Type = type & ~JsonSchemaType.Null;
        }

        return property;
    }

    /// <summary>A <c>RuleForEach</c> rule judges a list's items, not whether the list is there.</summary>
    private static bool IsForEachItem(IValidationRule rule) =>
        rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));

    private static string? Format(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    /// <summary>The validator of a request type. Validators are scoped; the document is built outside any request.</summary>
    private IValidator? ValidatorOf(Type type)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator;
    }

    private List<IPropertyValidator> RulesFor(Type? declaring, string? member)
    {
        if (declaring is null || member is null || ValidatorOf(declaring) is not { } validator)
        {
            return [];
        }

        return [.. validator.CreateDescriptor().GetValidatorsForMember(member)
            .Where(rule => rule.Options.HasNoCondition()).Select(rule => rule.Validator)];
    }
}

internal static class RuleConditions
{
    /// <summary>Whether a rule always applies (a rule under <c>When</c> does not make a field required).</summary>
    public static bool HasNoCondition(this IRuleComponent rule) => !rule.HasCondition && !rule.HasAsyncCondition;
}

/// <summary>A query parameter its validator requires (NotNull, NotEmpty, under no condition) is required in the document.</summary>
public sealed class RequiredParametersFilter(IServiceScopeFactory scopes) : IParameterFilter
{
    public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
    {
        if (parameter is not OpenApiParameter concrete || context.PropertyInfo is not { } property)
        {
            return;
        }

        using var scope = scopes.CreateScope();
        if (scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(property.ReflectedType ?? property.DeclaringType!)) is IValidator validator
            && validator.CreateDescriptor().GetValidatorsForMember(property.Name)
                .Any(rule => rule.Options.HasNoCondition() && rule.Validator is INotNullValidator or INotEmptyValidator))
        {
            concrete.Required = true;
        }
    }
}
