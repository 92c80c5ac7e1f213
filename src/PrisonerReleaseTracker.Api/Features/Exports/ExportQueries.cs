using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Audit;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Api.Features.Exports;

/// <summary>
/// Reads for exports: one SQL query each, read row by row from the data reader and handed on as it comes, so
/// an export of a million rows holds one row in memory. Every row is shaped for the caller as the API shapes it.
/// </summary>
public sealed class ExportQueries(AppDbContext db, TimeProvider clock)
{
    /// <summary>No statement timeout of 30 s for a file of a million rows; the request's own timeout ends it.</summary>
    private const int CommandTimeoutSeconds = 1800;

    private const string PersonColumns = """
        d.id, d.full_name, d.other_names, d.gender, d.birth_date, d.nationalities, d.categories, d.is_protected, d.national_id, d.notes,
        d.organization,
        ARRAY(SELECT e.scheme || ':' || e.value FROM detainee_external_ids e WHERE e.detainee_id = d.id ORDER BY e.id) AS external_ids
        """;

    private const string DetentionColumns = """
        x.arrested_on, f.name AS facility, f.country AS facility_country, x.arresting_authority, coalesce(x.charges, '{}') AS charges,
        r.released_on, r.kind, r.conditions_charges_dropped, r.conditions_travel_ban, r.conditions_barred_from_public_statements,
        r.conditions_must_report_to_court,
        ARRAY(SELECT s.url FROM unnest(r.source_ids) WITH ORDINALITY AS u(id, n) JOIN sources s ON s.id = u.id ORDER BY u.n) AS source_urls
        """;

    /// <summary>Notes in the audit log that the caller exported records, and which sensitive fields an export can carry.</summary>
    public async Task RecordExportAsync(string what, CancellationToken ct)
    {
        db.RecordRead(new AuditEvent(AuditAction.Read, what, Guid.CreateVersion7(clock.GetUtcNow()), ["fullName", "otherNames", "birthDate", "externalIds", "nationalId", "notes"]));
        await db.SaveChangesAsync(ct);
    }

    public async IAsyncEnumerable<DetaineeExportRow> DetaineesAsync(DetaineeExportQuery query, Caller caller, [EnumeratorCancellation] CancellationToken ct)
    {
        var where = new StringBuilder("WHERE true");
        await using var command = await CommandAsync(caller, ct);
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            // As the list's q: folded in SQL, wildcards typed by the client are text; nobody finds someone else's protected person.
            where.Append(" AND d.search_text LIKE prt_fold(@q) ESCAPE '\\' AND (@admin OR NOT d.is_protected OR d.organization = @org)");
            command.Parameters.AddWithValue("q", "%" + EscapeLike(query.Q) + "%");
        }

        AddArrayFilter(command, where, "d.nationalities", "nationality", query.Nationality);
        AddArrayFilter(command, where, "d.categories", "category", query.Category);
        if (query.Status is { } status)
        {
            where.Append(" AND d.status = @status");
            command.Parameters.AddWithValue("status", status.ToString());
        }

        if (query.FacilityId is { } facilityId)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM detentions o WHERE o.detainee_id = d.id AND o.released_on IS NULL AND o.facility_id = @facilityId)");
            command.Parameters.AddWithValue("facilityId", facilityId);
        }

        if (query.ArrestedFrom is { } from)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM detentions o WHERE o.detainee_id = d.id AND o.arrested_on_latest >= @arrestedFrom)");
            command.Parameters.AddWithValue("arrestedFrom", from);
        }

        if (query.ArrestedTo is { } to)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM detentions o WHERE o.detainee_id = d.id AND o.arrested_on_earliest <= @arrestedTo)");
            command.Parameters.AddWithValue("arrestedTo", to);
        }

        // The latest detention: the open one, else the most recent (ids are time-ordered), with its release.
        command.CommandText = $"""
            SELECT {PersonColumns}, {DetentionColumns}, d.status
            FROM detainees d
            LEFT JOIN LATERAL (SELECT * FROM detentions l WHERE l.detainee_id = d.id ORDER BY (l.released_on IS NULL) DESC, l.id DESC LIMIT 1) x ON true
            LEFT JOIN facilities f ON f.id = x.facility_id
            LEFT JOIN releases r ON r.detention_id = x.id
            {where}
            ORDER BY d.id
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var person = Person.Read(reader, caller);
            yield return new DetaineeExportRow(person.Id, person.ExternalIds, person.FullName, person.OtherNames, person.Gender, person.BirthDate,
                person.Nationalities, person.Categories, person.IsProtected, person.NationalId, person.Notes,
                reader.IsDBNull(12) ? null : reader.GetString(12), Text(reader, 13), Text(reader, 14)?.Trim(), Text(reader, 15),
                reader.GetFieldValue<string[]>(16), reader.IsDBNull(17) ? null : reader.GetFieldValue<DateOnly>(17),
                reader.IsDBNull(18) ? null : Enum.Parse<ReleaseKind>(reader.GetString(18)), Flag(reader, 19), Flag(reader, 20), Flag(reader, 21),
                Flag(reader, 22), person.Hidden ? [] : reader.GetFieldValue<string[]>(23), Enum.Parse<DetaineeStatus>(reader.GetString(24)),
                person.Organization);
        }
    }

    public async IAsyncEnumerable<ReleaseExportRow> ReleasesAsync(ReleaseExportQuery query, Caller caller, [EnumeratorCancellation] CancellationToken ct)
    {
        var where = new StringBuilder("WHERE true");
        await using var command = await CommandAsync(caller, ct);
        if (query.ReleasedFrom is { } from)
        {
            where.Append(" AND r.released_on >= @releasedFrom");
            command.Parameters.AddWithValue("releasedFrom", from);
        }

        if (query.ReleasedTo is { } to)
        {
            where.Append(" AND r.released_on <= @releasedTo");
            command.Parameters.AddWithValue("releasedTo", to);
        }

        if (query.Status is { } status)
        {
            where.Append(" AND r.status = @status");
            command.Parameters.AddWithValue("status", status.ToString());
        }

        if (query.FacilityId is { } facilityId)
        {
            where.Append(" AND r.facility_id = @facilityId");
            command.Parameters.AddWithValue("facilityId", facilityId);
        }

        AddArrayFilter(command, where, "d.nationalities", "nationality", query.Nationality);
        AddArrayFilter(command, where, "d.categories", "category", query.Category);
        command.CommandText = $"""
            SELECT {PersonColumns}, {DetentionColumns},
                   r.id, r.status, r.status_occurred_at, r.status_organization, r.reported_by_organization, r.created_at
            FROM releases r
            JOIN detentions x ON x.id = r.detention_id
            JOIN detainees d ON d.id = r.detainee_id
            LEFT JOIN facilities f ON f.id = coalesce(r.facility_id, x.facility_id)
            {where}
            ORDER BY r.id
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var person = Person.Read(reader, caller);
            yield return new ReleaseExportRow(reader.GetGuid(24), person.Id, person.ExternalIds, person.FullName, person.OtherNames, person.Gender,
                person.BirthDate, person.Nationalities, person.Categories, person.IsProtected, person.NationalId, person.Notes,
                Text(reader, 12), Text(reader, 13), Text(reader, 14)?.Trim(), Text(reader, 15), reader.GetFieldValue<string[]>(16),
                reader.GetFieldValue<DateOnly>(17), Enum.Parse<ReleaseKind>(reader.GetString(18)), Flag(reader, 19), reader.GetBoolean(20),
                reader.GetBoolean(21), reader.GetBoolean(22), person.Hidden ? [] : reader.GetFieldValue<string[]>(23),
                Enum.Parse<VerificationStatus>(reader.GetString(25)), reader.IsDBNull(26) ? null : reader.GetFieldValue<DateTimeOffset>(26),
                Text(reader, 27), reader.GetString(28), reader.GetFieldValue<DateTimeOffset>(29));
        }
    }

    private async Task<NpgsqlCommand> CommandAsync(Caller caller, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var command = new NpgsqlCommand { Connection = (NpgsqlConnection)db.Database.GetDbConnection(), CommandTimeout = CommandTimeoutSeconds };
        command.Parameters.AddWithValue("org", caller.Organization);
        command.Parameters.AddWithValue("admin", caller.Role == Role.Admin);
        return command;
    }

    private static void AddArrayFilter(NpgsqlCommand command, StringBuilder where, string column, string name, string? value)
    {
        if (value is not null)
        {
            where.Append($" AND {column} @> ARRAY[@{name}]::text[]");
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static bool? Flag(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    private static string EscapeLike(string text) => text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>The person columns (0-11) as the caller may see them: a protected person held elsewhere only by pseudonym.</summary>
    private sealed record Person(
        Guid Id, string FullName, string[] OtherNames, Gender Gender, string? BirthDate, string[] Nationalities, string[] Categories,
        bool IsProtected, string? NationalId, string? Notes, string Organization, string[] ExternalIds, bool Hidden)
    {
        public static Person Read(NpgsqlDataReader reader, Caller caller)
        {
            var id = reader.GetGuid(0);
            var isProtected = reader.GetBoolean(7);
            var organization = reader.GetString(10);
            var holds = caller.Holds(organization);
            var nationalities = reader.GetFieldValue<string[]>(5);
            var categories = reader.GetFieldValue<string[]>(6);
            var gender = Enum.Parse<Gender>(reader.GetString(3));
            if (isProtected && !holds)
            {
                return new Person(id, Visibility.ProtectedLabel(id), [], gender, null, nationalities, categories, true, null, null, organization, [], Hidden: true);
            }

            return new Person(id, reader.GetString(1), reader.GetFieldValue<string[]>(2), gender, Text(reader, 4), nationalities, categories,
                isProtected, holds ? Text(reader, 8) : null, holds ? Text(reader, 9) : null, organization, reader.GetFieldValue<string[]>(11), Hidden: false);
        }
    }
}
