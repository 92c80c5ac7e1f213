using System.Globalization;

namespace PrisonerReleaseTracker.Domain.Claims;

/// <summary>How a stated figure is qualified.</summary>
public enum CountQualifier { Exactly, AtLeast, MoreThan, Approximately, AtMost, Between }

/// <summary>A figure as somebody stated it: "more than 600", "at least 80", "between 80 and 104".</summary>
public sealed record ClaimCount
{
    public ClaimCount(CountQualifier qualifier, int value, int? upperValue)
    {
        if (value < 0)
        {
            throw new DomainRuleException("A claimed count cannot be negative", "value must be zero or more.");
        }

        if (qualifier == CountQualifier.Between ? upperValue is null || upperValue <= value : upperValue is not null)
        {
            throw new DomainRuleException("Only a Between count has an upper value, and it exceeds the value",
                "upperValue is required for Between (and greater than value), and not allowed otherwise.");
        }

        Qualifier = qualifier;
        Value = value;
        UpperValue = upperValue;
    }

    public CountQualifier Qualifier { get; }
    public int Value { get; }
    public int? UpperValue { get; }

    /// <summary>The least number of releases the statement commits to, or null where it commits to none.</summary>
    public int? LowerBound => Qualifier switch
    {
        CountQualifier.Exactly or CountQualifier.AtLeast or CountQualifier.Between => Value,
        CountQualifier.MoreThan => Value + 1,
        _ => null,
    };

    /// <summary>The figure in plain words, as a journalist would quote it.</summary>
    public string Display => Qualifier switch
    {
        CountQualifier.Exactly => Format(Value),
        CountQualifier.AtLeast => $"at least {Format(Value)}",
        CountQualifier.MoreThan => $"more than {Format(Value)}",
        CountQualifier.Approximately => $"about {Format(Value)}",
        CountQualifier.AtMost => $"at most {Format(Value)}",
        CountQualifier.Between => $"between {Format(Value)} and {Format(UpperValue!.Value)}",
        _ => throw new InvalidOperationException($"Unknown qualifier {Qualifier}."),
    };

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
