using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// The answer of an action that reads rows from a CSV or JSON body with the import's conventions, in one line:
/// <typeparamref name="T"/> (200), or 400 with every row error (<see cref="ImportProblemDetails"/>), 413 for a body over
/// its limit, 415 for one neither CSV nor JSON, and the problems it names beside (as <see cref="ProblemsAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnswersUploadAttribute<T>(params int[] problems) : Attribute, IActionModelConvention
{
    public void Apply(ActionModel action)
    {
        action.Filters.Add(new ProducesResponseTypeAttribute<T>(StatusCodes.Status200OK, "application/json"));
        action.Filters.Add(new ProducesResponseTypeAttribute<ImportProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json"));
        ProblemsAttribute.Declare(action, problems.Append(StatusCodes.Status413PayloadTooLarge).Append(StatusCodes.Status415UnsupportedMediaType).Order());
    }
}
