namespace PrisonerReleaseTracker.Domain;

/// <summary>
/// What any text the record keeps must be, wherever it comes from (JSON bodies, query strings, import cells): valid
/// UTF-8 on the wire, and free of the NUL character, which PostgreSQL cannot store or compare in text. Such text is
/// refused with the field it is in, never silently repaired: a stripped or replaced character would change a name.
/// </summary>
public static class TextRules
{
    public const string NoNul = "Must not contain the NUL character (U+0000).";

    public const string NotUtf8 = "Must be valid UTF-8 text.";

    public static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
