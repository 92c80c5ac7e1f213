namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// A body read once, front to back, by a reader that gets every byte unchanged while <see cref="Inspect"/> sees each
/// chunk on its way (an empty one at the end of the body) and may stop the read by throwing. Read-only, forward-only.
/// </summary>
public abstract class PassThroughStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Passed(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Passed(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Sees a chunk just read, before the reader does; empty at the end of the body.</summary>
    protected abstract void Inspect(ReadOnlySpan<byte> read);

    private int Passed(ReadOnlySpan<byte> read)
    {
        Inspect(read);
        return read.Length;
    }
}
