using System.Text;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// Passes a CSV body through unchanged while checking that it is UTF-8, and stops at the first byte that is not, with
/// the line it is on (<see cref="ImportFormatException"/>): the CSV reader would otherwise put U+FFFD in its place, and
/// a name would be stored with a character its sender never wrote. (JSON bodies are checked string by string, where
/// the field is known.)
/// </summary>
public sealed class Utf8CheckedStream(Stream inner) : PassThroughStream(inner)
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _scratch = new char[4096];
    private int _line = 1;

    protected override void Inspect(ReadOnlySpan<byte> read)
    {
        try
        {
            // Decoding (not only counting, which leaves the decoder as it was) keeps a sequence cut by the buffer's end in
            // the decoder, completed by the next read; the end of the body (a read of nothing) flushes it, so a truncated
            // last character is found too. The characters themselves are not needed: the scratch buffer is overwritten.
            var rest = read;
            do
            {
                _decoder.Convert(rest, _scratch, flush: read.IsEmpty, out var used, out _, out _);
                rest = rest[used..];
            }
            while (!rest.IsEmpty);
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, read.Length);
            throw new ImportFormatException(_line + read[..at].Count((byte)'\n'), "This line is not valid UTF-8 text; an import is read as UTF-8.");
        }

        _line += read.Count((byte)'\n');
    }
}
