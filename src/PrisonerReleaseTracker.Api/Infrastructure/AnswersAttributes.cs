using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// An action's answer in one line: what it returns, as <c>application/json</c>, with the problem every action of its
/// kind may give (see the kinds below) and those it names beside, declared as <see cref="ProblemsAttribute"/> does.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public abstract class AnswersAttribute(Type type, int status, int problem, int[] problems) : Attribute, IActionModelConvention
{
    public void Apply(ActionModel action)
    {
        action.Filters.Add(new ProducesResponseTypeAttribute(type, status, "application/json"));
        ProblemsAttribute.Declare(action, problems.Append(problem).Order());
    }
}

/// <summary>A page of <typeparamref name="TItem"/> (200), or 400 for a filter or a <c>cursor</c> it cannot read.</summary>
public sealed class AnswersPageAttribute<TItem>(params int[] problems)
    : AnswersAttribute(typeof(Page<TItem>), StatusCodes.Status200OK, StatusCodes.Status400BadRequest, problems);

/// <summary>A <typeparamref name="T"/> of the record the route names (200), or 404 when there is no such record the caller may reach.</summary>
public sealed class AnswersFoundAttribute<T>(params int[] problems)
    : AnswersAttribute(typeof(T), StatusCodes.Status200OK, StatusCodes.Status404NotFound, problems);

/// <summary>The <typeparamref name="T"/> just created (201, its address in <c>Location</c>), or 400 for a request it cannot accept.</summary>
public sealed class AnswersCreatedAttribute<T>(params int[] problems)
    : AnswersAttribute(typeof(T), StatusCodes.Status201Created, StatusCodes.Status400BadRequest, problems);
