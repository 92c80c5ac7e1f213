using System.Runtime.CompilerServices;
using CsvHelper;
using Microsoft.Net.Http.Headers;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>How an import's body is read, from its <c>Content-Type</c>: shared by imports and named-list uploads.</summary>
public static class ImportFormats
{
    /// <summary>The format of a body in UTF-8 (said, or left unsaid); any other charset is not read at all.</summary>
    public static ImportFormat? Of(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            ? media.MediaType switch
            {
                var type when type.Equals("text/csv", StringComparison.OrdinalIgnoreCase) => ImportFormat.Csv,
                var type when type.Equals("application/json", StringComparison.OrdinalIgnoreCase) => ImportFormat.Json,
                _ => null,
            }
            : null;
}

/// <summary>The input cannot be read further (broken quoting, broken JSON); <see cref="Line"/> says where.</summary>
public sealed class ImportFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads uploaded rows as the body streams in: one row in memory at a time, whatever the file's size. The columns are
/// the import's (<see cref="ImportColumns"/>) or another upload's own (a named list's entries).
/// </summary>
public static class ImportReaders
{
    /// <summary>Import rows from CSV.</summary>
    public static IAsyncEnumerable<RawRow<ImportColumn>> ReadCsvAsync(Stream body, ICollection<ImportRowError> errors, CancellationToken ct) =>
        ReadCsvAsync(body, ImportColumns.Set, errors, ct);

    /// <summary>Import rows from JSON.</summary>
    public static IAsyncEnumerable<RawRow<ImportColumn>> ReadJsonAsync(Stream body, ICollection<ImportRowError> errors, CancellationToken ct) =>
        ReadJsonAsync(body, ImportColumns.Set, errors, ct);

    /// <summary>CSV (RFC 4180, UTF-8, a header row). The header's problems are reported at line 1, and then no row is read.</summary>
    public static async IAsyncEnumerable<RawRow<TColumn>> ReadCsvAsync<TColumn>(Stream body, ColumnSet<TColumn> set, ICollection<ImportRowError> errors,
        [EnumeratorCancellation] CancellationToken ct) where TColumn : struct, Enum
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            IncludeValuesInExceptions = false,
        };
        await using var reader = CsvReader.Create(new Utf8CheckedStream(body), options, leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException(1, "The header row is not valid CSV: " + e.Message);
        }

        var columns = MapHeader([.. reader.Headers], set, errors);
        if (columns is null)
        {
            yield break;
        }

        while (true)
        {
            try
            {
                if (!await reader.ReadAsync(ct))
                {
                    break;
                }
            }
            catch (CsvFormatException e)
            {
                throw new ImportFormatException((int)e.LineNumber, "Not valid CSV: " + e.Message);
            }

            var line = (int)reader.LineNumber;
            if (reader.FieldCount > columns.Length)
            {
                errors.Add(new ImportRowError(line, "", $"The row has {reader.FieldCount} fields; the header has {columns.Length}."));
                continue;
            }

            var row = new RawRow<TColumn>(line, set);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (columns[i] is { } column)
                {
                    row.Set(column, reader.GetString(i));
                }
            }

            yield return row;
        }
    }

    /// <summary>
    /// A JSON array of objects with the same names as the CSV columns; list fields may be arrays of strings.
    /// A row's "line" is its position in the array, from 1.
    /// </summary>
    public static async IAsyncEnumerable<RawRow<TColumn>> ReadJsonAsync<TColumn>(Stream body, ColumnSet<TColumn> set, ICollection<ImportRowError> errors,
        [EnumeratorCancellation] CancellationToken ct) where TColumn : struct, Enum
    {
        var position = 0;
        await using var rows = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, cancellationToken: ct).GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await rows.MoveNextAsync())
                {
                    break;
                }
            }
            catch (JsonException e)
            {
                throw new ImportFormatException(position + 1,
                    $"Not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): the body must be an array of objects.");
            }

            position++;
            if (ReadObject(rows.Current, position, set, errors) is { } row)
            {
                yield return row;
            }
        }
    }

    private static RawRow<TColumn>? ReadObject<TColumn>(JsonElement element, int position, ColumnSet<TColumn> set, ICollection<ImportRowError> errors)
        where TColumn : struct, Enum
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ImportRowError(position, "", "Each item must be an object."));
            return null;
        }

        var row = new RawRow<TColumn>(position, set);
        var valid = true;
        foreach (var property in element.EnumerateObject())
        {
            if (!IsUtf8(property))
            {
                errors.Add(new ImportRowError(position, "", "A field name is not valid UTF-8 text."));
                valid = false;
                continue;
            }

            if (set.Find(property.Name) is not { } column)
            {
                if (!set.IsIgnored(property.Name))
                {
                    errors.Add(new ImportRowError(position, property.Name, "Unknown field."));
                    valid = false;
                }

                continue;
            }

            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String or JsonValueKind.Array when !IsUtf8(value):
                    errors.Add(new ImportRowError(position, set.NameOf(column), TextRules.NotUtf8));
                    valid = false;
                    break;
                case JsonValueKind.String:
                    row.Set(column, value.GetString());
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    row.Set(column, value.GetRawText());
                    break;
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String):
                    row.SetList(column, [.. value.EnumerateArray().Select(item => item.GetString()!)]);
                    break;
                default:
                    errors.Add(new ImportRowError(position, set.NameOf(column), "Must be a string, number, boolean, null or an array of strings."));
                    valid = false;
                    break;
            }
        }

        return valid ? row : null;
    }

    /// <summary>Whether a string (or every string of an array) decodes: the reader checks JSON's structure, not its strings' bytes.</summary>
    private static bool IsUtf8(JsonElement value)
    {
        try
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                _ = value.GetString();
                return true;
            }

            foreach (var item in value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String))
            {
                _ = item.GetString();
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsUtf8(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The column of each header position (null: a column exports add, read past); null when the header is refused.</summary>
    private static TColumn?[]? MapHeader<TColumn>(IReadOnlyList<string> headers, ColumnSet<TColumn> set, ICollection<ImportRowError> errors)
        where TColumn : struct, Enum
    {
        var before = errors.Count;
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ImportRowError(1, "", "The file has no header row."));
            return null;
        }

        var columns = new TColumn?[headers.Count];
        var seen = new HashSet<TColumn>();
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].TrimStart('\uFEFF');
            if (set.Find(header) is { } column)
            {
                if (!seen.Add(column))
                {
                    errors.Add(new ImportRowError(1, set.NameOf(column), "The column appears twice."));
                }

                columns[i] = column;
            }
            else if (!set.IsIgnored(header))
            {
                errors.Add(new ImportRowError(1, header, $"Unknown column. The columns are: {string.Join(", ", set.Names)}."));
            }
        }

        if (!seen.Contains(set.Required))
        {
            errors.Add(new ImportRowError(1, set.NameOf(set.Required), $"The {set.NameOf(set.Required)} column is required."));
        }

        return errors.Count == before ? columns : null;
    }
}
