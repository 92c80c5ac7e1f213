using System.Text;
using System.Text.RegularExpressions;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Turns the statements PostgreSQL logged for one API request (csvlog, log_statement = all) into a pgbench script:
/// the SQL text exactly as the API sent it, each <c>$n</c> replaced by a pgbench variable, and the logged values as
/// <c>-D</c> definitions, raw (unquoted), for <c>pgbench -M prepared</c>: pgbench sends them as untyped parameters of
/// a prepared statement and PostgreSQL types them from the context, as it types the API's parameters. pgbench cannot
/// bind a NULL parameter, so a parameter logged as NULL is written into the SQL as the literal <c>NULL</c>. The script
/// goes to --out; the definitions go to stdout, one <c>name=value</c> a line. <see cref="Load"/> reads both back (the
/// reference server runs the same statements with raw Npgsql).
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

            var sql = match.Groups["sql"].Value.Trim().TrimEnd(';');
            if (sql.Contains("prt_data_version", StringComparison.Ordinal) || PoolReset().IsMatch(sql))
            {
                // Not the request's own SQL: the data version the API reads at most once a second per process (the
                // reference server reads it on the same schedule), and the reset Npgsql's pool sends when a connection is
                // taken again (DISCARD ALL, or CLOSE ALL ... DISCARD TEMP once statements are prepared). The reference
                // server's pooled connections reset the same way; replayed, a DISCARD ALL would drop the prepared statements.
                continue;
            }

            statement++;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match p in Parameter().Matches(record[Detail]))
            {
                values[p.Groups["n"].Value] = p.Groups["value"].Value;
            }

            var prefix = $"s{statement}_p";
            sql = Placeholder().Replace(sql, m => values.TryGetValue(m.Groups["n"].Value, out var v)
                ? v == "NULL" ? "NULL" : ":" + prefix + m.Groups["n"].Value
                : m.Value);
            foreach (var (n, value) in values.OrderBy(v => int.Parse(v.Key, System.Globalization.CultureInfo.InvariantCulture)))
            {
                if (value != "NULL")
                {
                    // Logged as a quoted literal; pgbench -M prepared sends the raw text.
                    definitions.Add($"{prefix}{n}={value[1..^1].Replace("''", "'", StringComparison.Ordinal)}");
                }
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

    /// <summary>
    /// The statements of a script written by <see cref="Write"/>, each with its variables numbered <c>$1</c>.. in order of
    /// first use and their values from the definitions (the reference server prepares and runs them as they are).
    /// </summary>
    public static List<(string Sql, string[] Values)> Load(string scriptPath, string definitionsPath)
    {
        var definitions = File.ReadAllLines(definitionsPath).Where(l => l.Length > 0)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var statements = new List<(string, string[])>();
        foreach (var block in StatementHeader().Split(File.ReadAllText(scriptPath)).Where(b => b.Trim().Length > 0))
        {
            var names = new List<string>();
            var sql = Variable().Replace(block.Trim().TrimEnd(';'), m =>
            {
                var index = names.IndexOf(m.Groups["name"].Value);
                if (index < 0)
                {
                    names.Add(m.Groups["name"].Value);
                    index = names.Count - 1;
                }

                return "$" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            });
            statements.Add((sql, [.. names.Select(n => definitions[n])]));
        }

        return statements;
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

    [GeneratedRegex(@"^(?:DISCARD ALL|CLOSE ALL;.*DISCARD TEMP)$", RegexOptions.Singleline)]
    private static partial Regex PoolReset();

    [GeneratedRegex(@"^-- statement \d+\n", RegexOptions.Multiline)]
    private static partial Regex StatementHeader();

    [GeneratedRegex(@"(?<!:):(?<name>s\d+_p\d+)(?!\w)")]
    private static partial Regex Variable();
}
