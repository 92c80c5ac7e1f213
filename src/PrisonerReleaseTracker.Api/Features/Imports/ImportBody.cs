using System.Security.Cryptography;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>The body grew past the import's limit while it streamed in (a declared length is refused earlier).</summary>
public sealed class ImportBodyTooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// The request body as the parsers read it: counted against the limit and hashed on the way through, so an
/// <c>Idempotency-Key</c> can be checked against the body without keeping it.
/// </summary>
public sealed class ImportBody(Stream inner, long limit, IncrementalHash hash) : PassThroughStream(inner)
{
    private long _read;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    /// <summary>Reads what the parser left unread, so the hash covers the whole body.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, ct) > 0)
        {
        }
    }

    protected override void Inspect(ReadOnlySpan<byte> read)
    {
        _read += read.Length;
        if (_read > limit)
        {
            throw new ImportBodyTooLargeException(limit);
        }

        hash.AppendData(read);
    }
}
