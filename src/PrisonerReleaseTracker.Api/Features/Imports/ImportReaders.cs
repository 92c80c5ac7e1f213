using System.Runtime.CompilerServices;
using System.Text.Json;
using CsvHelper;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Imports;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>The input cannot be read further (broken quoting, broken JSON); <see cref="Line"/> says where.</summary>
public sealed class ImportFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>Reads import rows as the body streams in: one row in memory at a time, whatever the file's size.</summary>
public static class ImportReaders
{
    /// <summary>CSV (RFC 4180, UTF-8, a header row). The header's problems are reported at line 1, and then no row is read.</summary>
    public static async IAsyncEnumerable<RawImportRow> ReadCsvAsync(Stream body, ICollection<ImportRowError> errors,
        [EnumeratorCancellation] CancellationToken ct)
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
        await using var reader = CsvReader.Create(body, options, leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException(1, "The header row is not valid CSV: " + e.Message);
        }

        var columns = MapHeader([.. reader.Headers], errors);
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

            var row = new RawImportRow(line);
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
    public static async IAsyncEnumerable<RawImportRow> ReadJsonAsync(Stream body, ICollection<ImportRowError> errors,
        [EnumeratorCancellation] CancellationToken ct)
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
            if (ReadObject(rows.Current, position, errors) is { } row)
            {
                yield return row;
            }
        }
    }

    private static RawImportRow? ReadObject(JsonElement element, int position, ICollection<ImportRowError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ImportRowError(position, "", "Each item must be an object."));
            return null;
        }

        var row = new RawImportRow(position);
        var valid = true;
        foreach (var property in element.EnumerateObject())
        {
            if (!IsUtf8(property))
            {
                errors.Add(new ImportRowError(position, "", "A field name is not valid UTF-8 text."));
                valid = false;
                continue;
            }

            if (ImportColumns.Find(property.Name) is not { } column)
            {
                if (!ImportColumns.IsIgnored(property.Name))
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
                    errors.Add(new ImportRowError(position, ImportColumns.NameOf(column), TextRules.NotUtf8));
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
                    errors.Add(new ImportRowError(position, ImportColumns.NameOf(column), "Must be a string, number, boolean, null or an array of strings."));
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
    private static ImportColumn?[]? MapHeader(IReadOnlyList<string> headers, ICollection<ImportRowError> errors)
    {
        var before = errors.Count;
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new ImportRowError(1, "", "The file has no header row."));
            return null;
        }

        var columns = new ImportColumn?[headers.Count];
        var seen = new HashSet<ImportColumn>();
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].TrimStart('\uFEFF');
            if (ImportColumns.Find(header) is { } column)
            {
                if (!seen.Add(column))
                {
                    errors.Add(new ImportRowError(1, ImportColumns.NameOf(column), "The column appears twice."));
                }

                columns[i] = column;
            }
            else if (!ImportColumns.IsIgnored(header))
            {
                errors.Add(new ImportRowError(1, header, $"Unknown column. The columns are: {string.Join(", ", ImportColumns.Names)}."));
            }
        }

        if (!seen.Contains(ImportColumn.FullName))
        {
            errors.Add(new ImportRowError(1, ImportColumns.NameOf(ImportColumn.FullName), "The fullName column is required."));
        }

        return errors.Count == before ? columns : null;
    }
}
