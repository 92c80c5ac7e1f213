using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>
/// UUIDv7 ids (RFC 9562) for the records of one import: the millisecond of the import, then a counter where
/// <see cref="Guid.CreateVersion7()"/> puts random bits (the RFC's "fixed-length dedicated counter"), then
/// 42 random bits. Ids stay time-ordered like every other id, and within an import they follow the rows, so
/// lists paged by id show an import in the order of its file.
/// </summary>
public sealed class SequentialIds(DateTimeOffset now)
{
    private readonly long _milliseconds = now.ToUnixTimeMilliseconds();
    private uint _counter;

    public Guid Next()
    {
        var counter = ++_counter;
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[10..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, _milliseconds << 16);
        bytes[6] = (byte)(0x70 | ((counter >> 28) & 0x0F)); // version 7, counter bits 31-28
        bytes[7] = (byte)(counter >> 20);                    // counter bits 27-20
        bytes[8] = (byte)(0x80 | ((counter >> 14) & 0x3F)); // variant 10, counter bits 19-14
        bytes[9] = (byte)(counter >> 6);                     // counter bits 13-6
        bytes[10] = (byte)((counter << 2) | (bytes[10] & 0x03u)); // counter bits 5-0, then random
        return new Guid(bytes, bigEndian: true);
    }
}
