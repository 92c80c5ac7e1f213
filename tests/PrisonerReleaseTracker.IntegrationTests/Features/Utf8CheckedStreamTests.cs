using System.Text;
using PrisonerReleaseTracker.Api.Features.Imports;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The UTF-8 check of CSV bodies, read as the server reads a body: in pieces that cut characters anywhere.</summary>
public sealed class Utf8CheckedStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Valid_text_passes_whole_however_its_reads_cut_its_characters(int piece)
    {
        var text = "fullName,notes\nJosé Ñáñez,قيد الاحتجاز\nMaría 𝄞 Pérez,中文\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        await using var checkedStream = new Utf8CheckedStream(new PiecesStream(bytes, piece));

        using var copy = new MemoryStream();
        await checkedStream.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_byte_that_is_not_UTF_8_is_refused_with_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("fullName\nJosé\n").Concat(new byte[] { 0x4A, 0xE9, 0x0A }).ToArray(); // "J\xE9": Latin-1
        await using var checkedStream = new Utf8CheckedStream(new PiecesStream(bytes, 2));

        var refused = await Assert.ThrowsAsync<ImportFormatException>(() => checkedStream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));

        Assert.Equal(3, refused.Line);
    }

    [Fact]
    public async Task A_character_cut_off_by_the_end_of_the_body_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("fullName\nJos").Concat(new byte[] { 0xC3 }).ToArray();
        await using var checkedStream = new Utf8CheckedStream(new PiecesStream(bytes, 4));

        await Assert.ThrowsAsync<ImportFormatException>(() => checkedStream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));
    }

    /// <summary>A body that arrives <paramref name="piece"/> bytes at a time.</summary>
    private sealed class PiecesStream(byte[] bytes, int piece) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }
}
