using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// The problems an action may answer with, declared in the document as every error of this API is written: a 400 as
/// <see cref="ValidationProblemDetails"/> (the fields and what is wrong with each), any other status as
/// <see cref="ProblemDetails"/>, both <c>application/problem+json</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProblemsAttribute(params int[] statusCodes) : Attribute, IActionModelConvention
{
    private const string ContentType = "application/problem+json";

    public void Apply(ActionModel action) => Declare(action, statusCodes);

    internal static void Declare(ActionModel action, IEnumerable<int> statusCodes)
    {
        foreach (var status in statusCodes)
        {
            var type = status == StatusCodes.Status400BadRequest ? typeof(ValidationProblemDetails) : typeof(ProblemDetails);
            action.Filters.Add(new ProducesResponseTypeAttribute(type, status, ContentType));
        }
    }
}
