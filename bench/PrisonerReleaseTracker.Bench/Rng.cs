namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// SplitMix64: small, fast and fully determined by its seed. Every entity draws from its own stream
/// (seed, kind, index), so detainee #k is the same person at every scale and in every process.
/// </summary>
internal struct Rng
{
    private ulong _state;

    public Rng(long seed, int kind, long index)
    {
        _state = Mix((ulong)seed * 0x9E3779B97F4A7C15UL ^ Mix(((ulong)kind << 40) ^ (ulong)index));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

    public int Next(int max) => Next(0, max);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i += 8)
        {
            var value = NextULong();
            for (var j = 0; j < 8 && i + j < bytes.Length; j++)
            {
                bytes[i + j] = (byte)(value >> (8 * j));
            }
        }
    }

    /// <summary>A UUIDv7 (RFC 9562) for the given instant whose random part comes from this stream.</summary>
    public Guid Uuid7(DateTimeOffset at)
    {
        Span<byte> b = stackalloc byte[16];
        Fill(b);
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            b[i] = (byte)(ms >> (8 * (5 - i)));
        }

        b[6] = (byte)(0x70 | (b[6] & 0x0F));
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return new Guid(b, bigEndian: true);
    }
}
