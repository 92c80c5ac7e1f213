using System.Globalization;
using PrisonerReleaseTracker.Domain.Detainees;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>
/// Reads the fields of one uploaded row by the shared rules (trimmed text, lists separated by <c>;</c>, booleans, enum
/// names, partial dates, the shared length limits) and collects its problems, each under the column it is in.
/// </summary>
public sealed class RowReader<TColumn> where TColumn : struct, Enum
{
    /// <summary>Characters that make a spreadsheet read a cell as a formula; exports put a <c>'</c> before them.</summary>
    private const string FormulaStarts = "=+-@\t\r";

    private readonly RawRow<TColumn> _raw;
    private readonly ICollection<ImportRowError> _errors;
    private readonly HashSet<TColumn> _failed = [];

    public RowReader(RawRow<TColumn> raw, ICollection<ImportRowError> errors)
    {
        _raw = raw;
        _errors = errors;
        foreach (var column in System.Enum.GetValues<TColumn>())
        {
            if (TextRules.HasNul(raw.Text(column)) || raw.List(column)?.Any(TextRules.HasNul) == true)
            {
                Fail(column, TextRules.NoNul); // and the column is read no further: one problem, said once
            }
        }
    }

    public bool Failed => _failed.Count > 0;

    public bool HasError(TColumn column) => _failed.Contains(column);

    public void Fail(TColumn column, string message)
    {
        _failed.Add(column);
        _errors.Add(new ImportRowError(_raw.Line, _raw.Columns.NameOf(column), message));
    }

    /// <summary>A name the row cannot do without.</summary>
    public string? RequiredName(TColumn column)
    {
        var name = Text(column, Limits.Name);
        if (name is null && !HasError(column))
        {
            Fail(column, "Required.");
        }

        return name;
    }

    /// <summary>Identifiers in other systems, <c>scheme:value</c> or a bare value (see <see cref="ImportRowParser.ReadExternalId"/>).</summary>
    public List<ExternalId> ExternalIds(TColumn column)
    {
        var ids = List(column, Limits.ShortText + Limits.Code + 1).Select(ImportRowParser.ReadExternalId).Distinct().ToList();
        foreach (var id in ids.Where(id => id.Value.Length > Limits.ShortText))
        {
            Fail(column, $"A value has at most {Limits.ShortText} characters.");
        }

        return ids;
    }

    /// <summary>ISO 3166-1 alpha-2 codes, each once.</summary>
    public List<string> Countries(TColumn column)
    {
        var codes = List(column, 2).Distinct().ToList();
        foreach (var code in codes.Where(code => !CountryCodes.IsValid(code)))
        {
            Fail(column, $"'{code}' is not an ISO 3166-1 alpha-2 code, such as VE.");
        }

        return codes;
    }

    public bool IsGiven(TColumn column) => Clean(_raw.Text(column)) is not null || _raw.List(column) is { Count: > 0 };

    public string? Text(TColumn column, int maxLength)
    {
        if (HasError(column))
        {
            return null;
        }

        if (_raw.List(column) is not null)
        {
            Fail(column, "Must be a single value, not a list.");
            return null;
        }

        var text = Clean(_raw.Text(column));
        if (text is not null && text.Length > maxLength)
        {
            Fail(column, $"At most {maxLength} characters.");
            return null;
        }

        return text;
    }

    /// <summary>A JSON array, or text whose items are separated by <c>;</c>; empty items are dropped.</summary>
    public List<string> List(TColumn column, int maxItemLength)
    {
        if (HasError(column))
        {
            return [];
        }

        var items = (_raw.List(column) ?? Clean(_raw.Text(column))?.Split(';') ?? [])
            .Select(Clean).OfType<string>().ToList();
        if (items.Count > Limits.ListItems)
        {
            Fail(column, $"At most {Limits.ListItems} items.");
            return [];
        }

        if (items.Any(item => item.Length > maxItemLength))
        {
            Fail(column, $"Each item has at most {maxItemLength} characters.");
            return [];
        }

        return items;
    }

    /// <summary>Items separated by whitespace (URLs), or a JSON array.</summary>
    public List<string> Words(TColumn column)
    {
        if (HasError(column))
        {
            return [];
        }

        var items = (_raw.List(column) ?? Clean(_raw.Text(column))?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [])
            .Select(Clean).OfType<string>().ToList();
        if (items.Count > Limits.ListItems)
        {
            Fail(column, $"At most {Limits.ListItems} items.");
            return [];
        }

        return items;
    }

    public bool? Boolean(TColumn column)
    {
        var text = Text(column, 5);
        switch (text?.ToUpperInvariant())
        {
            case null:
                return null;
            case "TRUE" or "YES" or "1":
                return true;
            case "FALSE" or "NO" or "0":
                return false;
            default:
                Fail(column, "Must be true, false, yes, no, 1 or 0.");
                return null;
        }
    }

    public T Enum<T>(TColumn column, T whenEmpty) where T : struct, System.Enum
    {
        var text = Text(column, 32);
        if (text is null)
        {
            return whenEmpty;
        }

        // Names only: Enum.TryParse would also take "3" or "1,2".
        if (char.IsAsciiLetter(text[0]) && System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            && !text.Contains(',', StringComparison.Ordinal))
        {
            return value;
        }

        Fail(column, $"Must be one of {string.Join(", ", System.Enum.GetNames<T>())}.");
        return whenEmpty;
    }

    public PartialDate? PartialDate(TColumn column, DateOnly today)
    {
        var text = Text(column, 32);
        if (text is null)
        {
            return null;
        }

        if (!Domain.PartialDate.TryParse(text, out var date, out var error))
        {
            Fail(column, error!);
            return null;
        }

        if (date.IsAfter(today))
        {
            Fail(column, "Cannot be in the future.");
            return null;
        }

        return date;
    }

    public DateOnly? Date(TColumn column)
    {
        var text = Text(column, 32);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(column, "Expected a date as YYYY-MM-DD.");
            return null;
        }

        if (!SupportedDates.Contains(date))
        {
            Fail(column, SupportedDates.OutOfRange);
            return null;
        }

        return date;
    }

    /// <summary>Trims, treats empty as absent, and undoes the <c>'</c> an export puts before a formula-like value.</summary>
    private static string? Clean(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed.Length > 1 && trimmed[0] == '\'' && FormulaStarts.Contains(trimmed[1], StringComparison.Ordinal) ? trimmed[1..] : trimmed;
    }
}
