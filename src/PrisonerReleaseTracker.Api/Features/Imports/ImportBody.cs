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
public sealed class ImportBody(Stream inner, long limit, IncrementalHash hash) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads what the parser left unread, so the hash covers the whole body.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, ct) > 0)
        {
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(ReadOnlySpan<byte> read)
    {
        _read += read.Length;
        if (_read > limit)
        {
            throw new ImportBodyTooLargeException(limit);
        }

        hash.AppendData(read);
        return read.Length;
    }
}
