using System.Collections.Concurrent;
using Npgsql;
using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// The reference server's key check, the same work per request as the API's <c>ApiKeyStore</c>: the data version
/// (read from the database at most once a second), the presented key's SHA-256, and an in-memory lookup; the
/// <c>api_keys</c> row is read by prefix and its hash compared when the key is new or the version has moved.
/// </summary>
internal sealed class ReferenceKeys(NpgsqlDataSource dataSource)
{
    private static readonly long CheckEveryTicks = TimeSpan.FromSeconds(1).Ticks;
    private readonly ConcurrentDictionary<string, (long Version, Guid KeyId)> _found = new(StringComparer.Ordinal);
    private long _version = -1;
    private long _readAtTicks;

    public async Task<Guid?> FindActiveAsync(string presented, CancellationToken ct)
    {
        var current = await VersionAsync(ct);
        var hash = ApiKeySecret.Hash(presented);
        if (_found.TryGetValue(hash, out var entry) && entry.Version == current)
        {
            return entry.KeyId;
        }

        await using var cmd = dataSource.CreateCommand(
            "SELECT id, organization, role, hash FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApiKeySecret.PrefixOf(presented) });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (ApiKeySecret.Matches(presented, reader.GetString(3)))
            {
                var id = reader.GetGuid(0);
                _found[hash] = (current, id);
                return id;
            }
        }

        _found.TryRemove(hash, out _);
        return null;
    }

    private async ValueTask<long> VersionAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var version = Interlocked.Read(ref _version);
        if (version >= 0 && now - Interlocked.Read(ref _readAtTicks) < CheckEveryTicks)
        {
            return version;
        }

        await using var cmd = dataSource.CreateCommand("SELECT last_value FROM prt_data_version");
        version = (long)(await cmd.ExecuteScalarAsync(ct))!;
        Interlocked.Exchange(ref _version, version);
        Interlocked.Exchange(ref _readAtTicks, now);
        return version;
    }
}
