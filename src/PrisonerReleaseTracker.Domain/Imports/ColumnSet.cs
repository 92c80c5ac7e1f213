using System.Collections.Frozen;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>
/// The columns of an upload format (CSV header names, JSON property names): each member of <typeparamref name="TColumn"/>
/// under its camelCase name, the one column a row cannot do without, and the columns read past (what exports add).
/// Any other column is refused: a misspelt header would otherwise drop its data silently.
/// </summary>
public sealed class ColumnSet<TColumn> where TColumn : struct, Enum
{
    private readonly FrozenDictionary<string, TColumn> _byName;
    private readonly FrozenSet<string> _ignored;
    private readonly FrozenDictionary<TColumn, int> _index;

    public ColumnSet(TColumn required, IReadOnlyList<string> ignored)
    {
        var columns = Enum.GetValues<TColumn>();
        Names = [.. columns.Select(c => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..])];
        _index = columns.Select((column, i) => (column, i)).ToFrozenDictionary(x => x.column, x => x.i);
        _byName = columns.ToFrozenDictionary(c => Names[_index[c]], c => c, StringComparer.OrdinalIgnoreCase);
        _ignored = ignored.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Required = required;
        Ignored = ignored;
    }

    /// <summary>Every column, camelCase, in <typeparamref name="TColumn"/> order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Columns accepted and read past.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>The column every file must have.</summary>
    public TColumn Required { get; }

    public int Count => Names.Count;

    /// <summary>The column's position in <see cref="Names"/>.</summary>
    public int IndexOf(TColumn column) => _index[column];

    public string NameOf(TColumn column) => Names[_index[column]];

    /// <summary>The column a header names (case and surrounding spaces ignored), or null.</summary>
    public TColumn? Find(string header) => _byName.TryGetValue(header.Trim(), out var column) ? column : null;

    /// <summary>Whether a header names a column that is accepted and read past.</summary>
    public bool IsIgnored(string header) => _ignored.Contains(header.Trim());
}

/// <summary>
/// One row as it was read, before any rule: per column, the text of a CSV field or of a JSON string,
/// number or boolean, or the items of a JSON array. Empty and absent are the same.
/// </summary>
public sealed class RawRow<TColumn>(int line, ColumnSet<TColumn> columns) where TColumn : struct, Enum
{
    private readonly string?[] _texts = new string?[columns.Count];
    private readonly IReadOnlyList<string>?[] _lists = new IReadOnlyList<string>?[columns.Count];

    /// <summary>Where the row is: its line in a CSV file (the header is line 1), its position in a JSON array (from 1).</summary>
    public int Line { get; } = line;

    public ColumnSet<TColumn> Columns { get; } = columns;

    public void Set(TColumn column, string? text) => _texts[Columns.IndexOf(column)] = text;

    public void SetList(TColumn column, IReadOnlyList<string> items) => _lists[Columns.IndexOf(column)] = items;

    public string? Text(TColumn column) => _texts[Columns.IndexOf(column)];

    public IReadOnlyList<string>? List(TColumn column) => _lists[Columns.IndexOf(column)];
}
