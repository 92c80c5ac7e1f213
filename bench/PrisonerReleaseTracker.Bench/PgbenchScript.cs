using System.Text;
using System.Text.RegularExpressions;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Turns the statements PostgreSQL logged for one API request (csvlog, log_statement = all) into a pgbench script:
/// the SQL text exactly as the API sent it, each <c>$n</c> replaced by a pgbench variable, and the logged values as
/// <c>-D</c> definitions (SQL literals, for <c>pgbench -M simple</c>, where PostgreSQL types them from the context as it
/// types the API's parameters). The script goes to --out; the definitions go to stdout, one <c>name=value</c> a line.
/// </summary>
internal static partial class PgbenchScript
{
    // csvlog columns (PostgreSQL 15): 2 = database, 13 = message, 14 = detail.
    private const int DatabaseName = 2;
    private const int Message = 13;
    private const int Detail = 14;

    public static int Write(string logPath, string database, string outPath)
    {
        var script = new StringBuilder();
        var definitions = new List<string>();
        var statement = 0;
        foreach (var record in ReadRecords(File.ReadAllText(logPath)))
        {
            if (record.Count <= Detail || record[DatabaseName] != database)
            {
                continue;
            }

            var match = LoggedStatement().Match(record[Message]);
            if (!match.Success)
            {
                continue;
            }

            statement++;
            var sql = match.Groups["sql"].Value.Trim().TrimEnd(';');
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match p in Parameter().Matches(record[Detail]))
            {
                values[p.Groups["n"].Value] = p.Groups["value"].Value;
            }

            var prefix = $"s{statement}_p";
            sql = Placeholder().Replace(sql, m => values.ContainsKey(m.Groups["n"].Value) ? ":" + prefix + m.Groups["n"].Value : m.Value);
            foreach (var (n, value) in values.OrderBy(v => int.Parse(v.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                definitions.Add($"{prefix}{n}={value}");
            }

            script.Append("-- statement ").Append(statement).Append('\n').Append(sql).Append(";\n");
        }

        if (statement == 0)
        {
            Console.Error.WriteLine($"pgbench-script: no statement found in {logPath}");
            return 1;
        }

        File.WriteAllText(outPath, script.ToString());
        foreach (var d in definitions)
        {
            Console.WriteLine(d);
        }

        return 0;
    }

    /// <summary>RFC 4180 records; fields may hold quoted line breaks.</summary>
    private static IEnumerable<List<string>> ReadRecords(string text)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                yield return record;
                record = [];
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }

    [GeneratedRegex(@"^(?:execute [^:]*|statement): (?<sql>.*)$", RegexOptions.Singleline)]
    private static partial Regex LoggedStatement();

    [GeneratedRegex(@"\$(?<n>\d+) = (?<value>NULL|'(?:[^']|'')*')")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\$(?<n>\d+)(?!\d)")]
    private static partial Regex Placeholder();
}
