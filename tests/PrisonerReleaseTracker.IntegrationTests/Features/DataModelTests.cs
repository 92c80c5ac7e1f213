using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The model, the migrations, the database and the raw SQL say the same thing: what <c>migrations add</c> would write is
/// nothing; the migrated database has every column, index, trigger and sequence of the model and nothing else; and every
/// raw SQL text parses against a schema made from the model alone.
/// </summary>
public sealed partial class DataModelTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Migrations_add_on_the_current_model_would_write_an_empty_migration()
    {
        using var scope = api.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // What `dotnet ef migrations add` compares: the model of the last migration's snapshot against the current model.
#pragma warning disable EF1001 // the differ is what the tool itself uses
        // A snapshot of its own: the migrations assembly's instance is shared by every context of the process, and an API
        // starting beside this test (its migrations check) may be finalizing that one's model at the same moment.
        var snapshot = ((ModelSnapshot)Activator.CreateInstance(db.GetService<IMigrationsAssembly>().ModelSnapshot!.GetType())!).Model;
        var fromSnapshot = db.GetService<IModelRuntimeInitializer>().Initialize(
            snapshot is IMutableModel mutable ? mutable.FinalizeModel() : snapshot, designTime: true);
        var operations = db.GetService<IMigrationsModelDiffer>().GetDifferences(
            fromSnapshot.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());
#pragma warning restore EF1001

        Assert.True(operations.Count == 0, "The model differs from the migrations: " + string.Join("; ", operations.Select(Describe)));
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task The_migrated_database_has_what_the_model_declares_and_nothing_else()
    {
        using var scope = api.Factory.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AppDbContext>().GetService<IDesignTimeModel>().Model.GetRelationalModel();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);

        var columns = await SetAsync(connection, """
            SELECT table_name || '.' || column_name || ' ' || CASE is_nullable WHEN 'YES' THEN 'null' ELSE 'not null' END
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            """);
        var indexes = await SetAsync(connection, """
            SELECT t.relname || '.' || i.relname || ' ' || a.amname || ' (' || array_to_string(ARRAY(
                       SELECT attname FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY AS k(n, o) JOIN pg_attribute ON attrelid = t.oid AND attnum = k.n ORDER BY k.o), ', ')
                   || ') include (' || array_to_string(ARRAY(
                       SELECT attname FROM unnest(x.indkey[x.indnkeyatts:]) WITH ORDINALITY AS k(n, o) JOIN pg_attribute ON attrelid = t.oid AND attnum = k.n ORDER BY k.o), ', ')
                   || ')' || CASE WHEN x.indpred IS NULL THEN '' ELSE ' filtered' END || CASE WHEN x.indisunique THEN ' unique' ELSE '' END
                   || CASE WHEN i.reloptions IS NULL THEN '' ELSE ' with (' || array_to_string(ARRAY(SELECT o FROM unnest(i.reloptions) AS o ORDER BY o), ', ') || ')' END
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am a ON a.oid = i.relam
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relname <> '__EFMigrationsHistory'
            """);
        var triggers = await SetAsync(connection, """
            SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND NOT t.tgisinternal
            """);
        var sequences = await SetAsync(connection, "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'");

        var tables = model.Tables.Where(t => t.Name != "__EFMigrationsHistory").ToList();
        // xmin, the row version, is a system column: every table has it, information_schema lists none.
        AssertSame("columns", tables.SelectMany(t => t.Columns.Where(c => c.Name != "xmin").Select(c => $"{t.Name}.{c.Name} {(c.IsNullable ? "null" : "not null")}")), columns);
        AssertSame("indexes", tables.SelectMany(t => t.Indexes.Select(Describe).Concat(t.UniqueConstraints.Select(u =>
            $"{t.Name}.{u.Name} btree ({string.Join(", ", u.Columns.Select(c => c.Name))}) include () unique"))), indexes);
        AssertSame("triggers", model.Model.GetEntityTypes().SelectMany(e => e.GetDeclaredTriggers().Select(tr => $"{e.GetTableName()}.{tr.GetDatabaseName()}")).Distinct(), triggers);
        AssertSame("sequences", model.Model.GetSequences().Select(s => s.Name), sequences);
    }

    [Fact]
    public async Task Every_raw_sql_text_parses_against_a_schema_made_from_the_model_alone()
    {
        using var scope = api.Factory.Services.CreateScope();
        var script = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GenerateCreateScript();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        // The model's tables in a schema of their own, found first; functions and extensions stay where migrations made them.
        await ExecuteAsync(connection, "CREATE SCHEMA model_only; SET LOCAL search_path = model_only, public;");
        await ExecuteAsync(connection, script);

        var texts = SqlTexts();
        Assert.Contains(texts, t => t.Name == "TotalsSql.SummaryHistory");
        Assert.Contains(texts, t => t.Name == "ImportSql.Insert");
        Assert.Contains(texts, t => t.Name == "WebhookSql.Claim");
        Assert.Contains(texts, t => t.Name == "AggregateSql.FoldReleaseMonthCounts");
        var failures = new List<string>();
        foreach (var (name, text) in texts)
        {
            foreach (var statement in Statements(text))
            {
                try
                {
                    await CheckAsync(connection, statement);
                }
                catch (PostgresException e)
                {
                    failures.Add($"{name}: {e.MessageText}");
                    await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT checked");
                }
            }
        }

        await transaction.RollbackAsync(Ct);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>Every constant or read-only string of the classes that hold the application's raw SQL (named <c>*Sql</c>), in declaration order.</summary>
    private static List<(string Name, string Text)> SqlTexts() =>
    [
        .. typeof(AppDbContext).Assembly.GetTypes().Where(t => t.Name.EndsWith("Sql", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => (f.IsLiteral || f.IsInitOnly) && f.FieldType == typeof(string))
                .Select(f => ($"{t.Name}.{f.Name}", (string)(f.IsLiteral ? f.GetRawConstantValue() : f.GetValue(null))!))),
    ];

    private static IEnumerable<string> Statements(string text) =>
        StatementEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    /// <summary>
    /// A query or a change is prepared (PostgreSQL resolves every name in it, and the types its parameters are bound
    /// with); anything else (temporary tables, settings) runs, so that what follows finds what it made. COPY needs data.
    /// </summary>
    private static async Task CheckAsync(NpgsqlConnection connection, string statement)
    {
        await ExecuteAsync(connection, "SAVEPOINT checked");
        var verb = statement.Split((char[])[' ', '\n', '\r', '('], 2)[0].ToUpperInvariant();
        if (verb == "COPY")
        {
            // Needs data to run; its table is the import's own staging table.
        }
        else if (verb is "SELECT" or "WITH" or "INSERT" or "UPDATE" or "DELETE")
        {
            var names = new List<string>();
            var positional = Parameter().Replace(statement, match =>
            {
                var name = match.Groups[1].Value;
                if (!names.Contains(name))
                {
                    names.Add(name);
                }

                return "$" + (names.IndexOf(name) + 1);
            });
            var types = names.Select(name => ParameterTypes.TryGetValue(name, out var type) ? type
                : throw new InvalidOperationException($"No type known for the parameter @{name}: add it to the test's table."));
            var typeList = names.Count == 0 ? "" : $"({string.Join(", ", types)})";
            await ExecuteAsync(connection, $"PREPARE checked_statement {typeList} AS {positional}");
            await ExecuteAsync(connection, "DEALLOCATE checked_statement");
        }
        else
        {
            await ExecuteAsync(connection, statement);
        }

        await ExecuteAsync(connection, "RELEASE SAVEPOINT checked");
    }

    /// <summary>The types the application binds each parameter name with.</summary>
    private static readonly Dictionary<string, string> ParameterTypes = new(StringComparer.Ordinal)
    {
        ["from"] = "date", ["to"] = "date", ["as_of"] = "timestamptz", ["known_at"] = "timestamptz", ["clock"] = "timestamptz", ["verified_by"] = "text", ["unit"] = "text",
        ["claim_moments"] = "timestamptz[]", ["org"] = "text", ["key"] = "uuid", ["now"] = "timestamptz", ["dry"] = "boolean",
        ["idempotencyKey"] = "text", ["urls"] = "text[]", ["ids"] = "uuid[]", ["max_duplicates"] = "integer", ["chain"] = "bigint",
        ["batch"] = "integer", ["moment"] = "text", ["milliseconds"] = "text", ["key_ring"] = "bigint", ["list_id"] = "uuid",
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<HashSet<string>> SetAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static void AssertSame(string what, IEnumerable<string> declared, HashSet<string> inDatabase)
    {
        var model = declared.ToHashSet(StringComparer.Ordinal);
        var onlyInDatabase = inDatabase.Except(model).Order().ToList();
        var onlyInModel = model.Except(inDatabase).Order().ToList();
        Assert.True(onlyInDatabase.Count == 0 && onlyInModel.Count == 0,
            $"{what} in the database but not the model: [{string.Join("; ", onlyInDatabase)}]; in the model but not the database: [{string.Join("; ", onlyInModel)}]");
    }

    private static string Describe(ITableIndex index)
    {
        var declared = index.MappedIndexes.First();
        return $"{index.Table.Name}.{index.Name} {declared.GetMethod() ?? "btree"} ({string.Join(", ", index.Columns.Select(c => c.Name))}) include ("
            + string.Join(", ", (declared.GetIncludeProperties() ?? []).Select(p => declared.DeclaringEntityType.FindProperty(p)!.GetColumnName()))
            + ")" + (index.Filter is null ? "" : " filtered") + (index.IsUnique ? " unique" : "") + StorageParameters(declared);
    }

    /// <summary>An index's storage parameters as PostgreSQL lists them (<c>pg_class.reloptions</c>): <c> with (fastupdate=false)</c>.</summary>
    private static string StorageParameters(IIndex index)
    {
        var parameters = index.GetAnnotations().Where(a => a.Name.StartsWith(StorageParameterPrefix, StringComparison.Ordinal))
            .Select(a => $"{a.Name[StorageParameterPrefix.Length..]}={(a.Value is bool b ? (b ? "true" : "false") : a.Value)}")
            .Order(StringComparer.Ordinal).ToList();
        return parameters.Count == 0 ? "" : $" with ({string.Join(", ", parameters)})";
    }

    private const string StorageParameterPrefix = "Npgsql:StorageParameter:";

    private static string Describe(Microsoft.EntityFrameworkCore.Migrations.Operations.MigrationOperation operation) => operation switch
    {
        Microsoft.EntityFrameworkCore.Migrations.Operations.CreateIndexOperation i => $"create index {i.Name} on {i.Table}",
        Microsoft.EntityFrameworkCore.Migrations.Operations.DropIndexOperation i => $"drop index {i.Name}",
        Microsoft.EntityFrameworkCore.Migrations.Operations.AddColumnOperation c => $"add column {c.Table}.{c.Name}",
        Microsoft.EntityFrameworkCore.Migrations.Operations.DropColumnOperation c => $"drop column {c.Table}.{c.Name}",
        Microsoft.EntityFrameworkCore.Migrations.Operations.AlterColumnOperation c => $"alter column {c.Table}.{c.Name}",
        _ => operation.GetType().Name,
    };

    [GeneratedRegex(@";\s*(?:\r?\n|$)")]
    private static partial Regex StatementEnd();

    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex Parameter();
}
