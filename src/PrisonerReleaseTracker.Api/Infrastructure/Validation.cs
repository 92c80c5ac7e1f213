using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of every action argument that has one, before the action.
/// FluentValidation's maintainers no longer recommend its automatic ASP.NET integration; this one filter
/// calls the validators explicitly instead.
/// </summary>
public sealed class ValidationFilter(IServiceProvider services) : IAsyncActionFilter
{
    private static readonly ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null || services.GetService(ValidatorTypes.GetOrAdd(argument.GetType(), type => typeof(IValidator<>).MakeGenericType(type))) is not IValidator validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            foreach (var failure in result.Errors)
            {
                var key = JsonPath.CamelCase(failure.PropertyName);
                if (!errors.TryGetValue(key, out var messages))
                {
                    errors[key] = messages = [];
                }

                messages.Add(failure.ErrorMessage);
            }
        }

        if (errors.Count > 0)
        {
            context.Result = ValidationProblems.Create(context.HttpContext, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
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
    /// Model binding's own errors (malformed JSON, an unknown enum value) name .NET types; clients get the
    /// JSON path and a plain message instead, and not the spurious "the request field is required".
    /// </summary>
    public static IActionResult FromModelState(ActionContext context)
    {
        var parameterNames = context.ActionDescriptor.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var entries = context.ModelState.Where(e => e.Value is { Errors.Count: > 0 }).ToList();
        var hasPathErrors = entries.Any(e => e.Key.StartsWith('$'));
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, entry) in entries)
        {
            if (hasPathErrors && parameterNames.Contains(key))
            {
                continue;
            }

            var path = key.StartsWith('$') ? JsonPath.CamelCase(key.TrimStart('$').TrimStart('.')) : JsonPath.CamelCase(key);
            var message = key.StartsWith('$')
                ? SafeMessage(entry!.Errors[0].ErrorMessage.Split(" Path: ")[0], "The value is not valid JSON for this field (check its type, format and allowed values).")
                : entry!.Errors.Any(e => e.ErrorMessage.Contains("non-empty request body", StringComparison.Ordinal))
                    ? "A request body is required."
                    : SafeMessage(entry!.Errors[0].ErrorMessage, "The value is not valid for this field.");
            errors[path.Length == 0 ? "body" : path] = [message];
        }

        return Create(context.HttpContext, errors);
    }

    /// <summary>Framework messages that name .NET types or say nothing useful are replaced by a plain one.</summary>
    private static string SafeMessage(string message, string fallback) =>
        string.IsNullOrWhiteSpace(message) || TypeName().IsMatch(message) ? fallback : message;

    [GeneratedRegex(@"System\.|PrisonerReleaseTracker\.|Microsoft\.|JSON value could not")]
    private static partial Regex TypeName();
}

/// <summary>Field paths as clients write them: <c>Count.UpperValue</c> becomes <c>count.upperValue</c>.</summary>
public static class JsonPath
{
    public static string CamelCase(string path) =>
        string.Join('.', path.Split('.').Select(segment => segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
}
