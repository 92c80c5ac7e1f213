using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// The one place a request is judged valid. It gathers, for one 400 answer, every value that could not be read
/// (model binding: query strings, and JSON bodies read by <see cref="RequestJsonInputFormatter"/>) and every rule
/// of the FluentValidation validator of each action argument, run explicitly (FluentValidation's maintainers no
/// longer recommend its automatic ASP.NET integration). A field that could not be read is reported once, for
/// what it could not be, not again by the rules that then find it missing.
/// </summary>
public sealed class ValidationFilter(IServiceProvider services) : IAsyncActionFilter
{
    private static readonly ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var errors = ValidationProblems.FromModelState(context.ModelState, context.ActionDescriptor.Parameters.Select(p => p.Name));
        var unreadable = errors.Keys.ToList();
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null || services.GetService(ValidatorTypes.GetOrAdd(argument.GetType(), type => typeof(IValidator<>).MakeGenericType(type))) is not IValidator validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            foreach (var failure in result.Errors)
            {
                var path = FieldPath.OrBody(JsonPath.CamelCase(failure.PropertyName));
                if (unreadable.Any(field => FieldPath.IsWithin(path, field)))
                {
                    continue;
                }

                if (!errors.TryGetValue(path, out var messages))
                {
                    errors[path] = messages = [];
                }

                messages.Add(failure.ErrorMessage);
            }
        }

        if (errors.Count > 0)
        {
            context.Result = ValidationProblems.Create(context.HttpContext, errors.ToDictionary(e => e.Key, e => e.Value.Distinct().ToArray()));
            return;
        }

        await next();
    }
}

/// <summary>Builds the 400 answer with an <c>errors</c> map keyed by camelCase JSON paths.</summary>
public static partial class ValidationProblems
{
    public static ObjectResult Create(HttpContext httpContext, IDictionary<string, string[]> errors)
    {
        var problem = new ValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "The request is invalid" };
        return new ObjectResult(Problems.Complete(problem, httpContext))
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentTypes = { "application/problem+json" },
        };
    }

    /// <summary>
    /// What model binding could not read, keyed by the field's path as clients write it. Framework messages that name
    /// .NET types are replaced by a plain one; a parameter-level entry beside entries for its fields says nothing more.
    /// </summary>
    public static Dictionary<string, List<string>> FromModelState(ModelStateDictionary modelState, IEnumerable<string> parameterNames)
    {
        var parameters = parameterNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var entries = modelState.Where(e => e.Value is { Errors.Count: > 0 }).ToList();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, entry) in entries)
        {
            if (parameters.Contains(key) && entries.Count > 1)
            {
                continue;
            }

            var path = parameters.Contains(key) ? FieldPath.Body : FieldPath.OrBody(JsonPath.CamelCase(StripParameter(key, parameters)));
            var message = entry!.Errors.Any(e => e.ErrorMessage.Contains("non-empty request body", StringComparison.Ordinal))
                ? "A request body is required."
                : SafeMessage(entry.Errors[0].ErrorMessage, "The value is not valid for this field.");
            errors[path] = [message];
        }

        return errors;
    }

    /// <summary>Model binding names a query object's fields after the parameter (<c>query.Status</c>); clients know them as <c>status</c>.</summary>
    private static string StripParameter(string key, HashSet<string> parameters)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && parameters.Contains(key[..dot]) ? key[(dot + 1)..] : key;
    }

    private static string SafeMessage(string message, string fallback) =>
        string.IsNullOrWhiteSpace(message) || TypeName().IsMatch(message) ? fallback : message;

    [GeneratedRegex(@"System\.|PrisonerReleaseTracker\.|Microsoft\.|JSON value could not|The value '.*' is not valid")]
    private static partial Regex TypeName();
}

/// <summary>Field paths as clients write them: <c>Count.UpperValue</c> becomes <c>count.upperValue</c>.</summary>
public static class JsonPath
{
    public static string CamelCase(string path) =>
        string.Join('.', path.Split('.').Select(segment => segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
}
