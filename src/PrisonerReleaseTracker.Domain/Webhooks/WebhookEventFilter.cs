using System.Diagnostics.CodeAnalysis;
using PrisonerReleaseTracker.Domain.Changes;

namespace PrisonerReleaseTracker.Domain.Webhooks;

/// <summary>
/// Which changes a subscription wants: a kind of record, an action, or both; a missing part matches any. Stored as
/// <c>Release.Decided</c>, <c>Claim.*</c>, <c>*.Created</c>.
/// </summary>
public sealed record WebhookEventFilter(ChangeEntityType? EntityType, ChangeAction? Action)
{
    private const string Any = "*";

    public bool Matches(ChangeEntityType entityType, ChangeAction action) =>
        (EntityType is null || EntityType == entityType) && (Action is null || Action == action);

    /// <summary>True when <paramref name="filters"/> is empty (everything) or one of them matches.</summary>
    public static bool AnyMatches(IEnumerable<WebhookEventFilter> filters, ChangeEntityType entityType, ChangeAction action)
    {
        var any = false;
        foreach (var filter in filters)
        {
            any = true;
            if (filter.Matches(entityType, action))
            {
                return true;
            }
        }

        return !any;
    }

    public string ToCode() => $"{EntityType?.ToString() ?? Any}.{Action?.ToString() ?? Any}";

    public static bool TryParse(string code, [NotNullWhen(true)] out WebhookEventFilter? filter)
    {
        filter = null;
        var parts = code.Split('.');
        if (parts.Length != 2 || !TryPart<ChangeEntityType>(parts[0], out var type) || !TryPart<ChangeAction>(parts[1], out var action))
        {
            return false;
        }

        filter = new WebhookEventFilter(type, action);
        return true;
    }

    public static WebhookEventFilter Parse(string code) =>
        TryParse(code, out var filter) ? filter : throw new FormatException("Not a webhook event filter: " + code);

    private static bool TryPart<T>(string text, out T? value) where T : struct, Enum
    {
        value = null;
        if (text == Any)
        {
            return true;
        }

        if (text.Length == 0 || !char.IsAsciiLetterUpper(text[0]) || !Enum.TryParse<T>(text, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }
}
