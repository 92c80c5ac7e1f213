using Microsoft.Net.Http.Headers;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>ETags of single resources come from the row version PostgreSQL keeps (<c>xmin</c>).</summary>
public static class ETags
{
    public static string From(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpResponse response, string etag) => response.Headers.ETag = etag;

    /// <summary>
    /// Reads <c>If-Match</c> into the version it names. Null with a 428 or 412 problem to return when it is
    /// missing or cannot be one of ours.
    /// </summary>
    public static (uint? Version, IActionResult? Problem) ReadIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return (null, Problems.Result(StatusCodes.Status428PreconditionRequired, "If-Match is required",
                "Send the ETag of the version you read in If-Match."));
        }

        return ReadTag(header);
    }

    /// <summary>Reads an <c>If-Match</c> the client may leave out: no version and no problem when it is absent.</summary>
    public static (uint? Version, IActionResult? Problem) ReadOptionalIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(header) ? (null, null) : ReadTag(header);
    }

    private static (uint? Version, IActionResult? Problem) ReadTag(string header)
    {
        if (EntityTagHeaderValue.TryParse(header, out var tag) && !tag.IsWeak
            && uint.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (version, null);
        }

        return (null, Stale());
    }

    public static IActionResult Stale() => Problems.Result(StatusCodes.Status412PreconditionFailed,
        "The record changed since you read it", "Read it again and send its new ETag in If-Match.");
}

/// <summary>Problem answers the actions return themselves.</summary>
public static class Problems
{
    public static IActionResult Result(int status, string title, string? detail = null) => new ProblemResult(
        new ProblemDetails { Status = status, Title = title, Detail = detail });

    /// <summary>Gives a problem built by an action the same shape as the framework's: type, instance and trace id.</summary>
    public static ProblemDetails Complete(ProblemDetails problem, HttpContext httpContext)
    {
        problem.Type ??= problem.Status switch
        {
            StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            StatusCodes.Status403Forbidden => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
            StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            StatusCodes.Status412PreconditionFailed => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
            StatusCodes.Status428PreconditionRequired => "https://tools.ietf.org/html/rfc6585#section-3",
            _ => null,
        };
        problem.Instance ??= httpContext.Request.Path;
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier;
        return problem;
    }

    /// <summary>Writes a problem as <c>application/problem+json</c>, completed for the request.</summary>
    private sealed class ProblemResult(ProblemDetails problem) : ObjectResult(problem)
    {
        public override Task ExecuteResultAsync(ActionContext context)
        {
            StatusCode = problem.Status;
            ContentTypes.Add("application/problem+json");
            Complete(problem, context.HttpContext);
            return base.ExecuteResultAsync(context);
        }
    }

    public static IActionResult Forbidden() =>
        Result(StatusCodes.Status403Forbidden, "Only the organization that holds a record may change it");

    /// <summary>A 403 problem with its own title.</summary>
    public static IActionResult Forbidden(string title, string detail) => Result(StatusCodes.Status403Forbidden, title, detail);

    public static IActionResult NotFound(string what) => Result(StatusCodes.Status404NotFound, $"{what} not found");

    /// <summary>A 400 for one field, in the same shape as validation errors.</summary>
    public static IActionResult Invalid(HttpContext context, string field, string message) =>
        ValidationProblems.Create(context, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>A single resource as answered: it carries its version as the <c>ETag</c> header does.</summary>
public interface IVersioned
{
    string ETag { get; }
}

/// <summary>How an action answers a read or a creation of one resource, or refuses a change to it.</summary>
public static class FoundResults
{
    /// <summary>A 404 problem when there is no record (<paramref name="organization"/> null), a 403 when the caller does not hold it; null when the caller may change it.</summary>
    public static IActionResult? RefuseUnlessHeld(this ControllerBase controller, string? organization, string what) =>
        organization is null ? Problems.NotFound(what)
        : controller.User.RequiredCaller().Holds(organization) ? null
        : Problems.Forbidden();

    /// <summary>The resource with its <c>ETag</c> header, or a 404 problem naming <paramref name="what"/>.</summary>
    public static IActionResult Found<T>(this ControllerBase controller, T? resource, string what) where T : class, IVersioned
    {
        if (resource is null)
        {
            return Problems.NotFound(what);
        }

        ETags.Set(controller.Response, resource.ETag);
        return controller.Ok(resource);
    }

    /// <summary>A 201 with <paramref name="created"/>, its <c>ETag</c> header, and in <c>Location</c> where <paramref name="action"/> reads it again.</summary>
    public static IActionResult CreatedAt<T>(this ControllerBase controller, string action, object routeValues, T created) where T : class, IVersioned =>
        controller.CreatedAt(action, routeValues, created, created);

    /// <summary>The same with a body of its own (the resource and a secret shown once), under the <c>ETag</c> of <paramref name="resource"/>.</summary>
    public static IActionResult CreatedAt(this ControllerBase controller, string action, object routeValues, IVersioned resource, object body)
    {
        ETags.Set(controller.Response, resource.ETag);
        return controller.CreatedAtAction(action, routeValues, body);
    }
}
