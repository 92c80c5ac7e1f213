namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>Axes of the page's charts: round maxima and ticks, and coordinates written the same in every language.</summary>
public static class ChartScale
{
    /// <summary>Four round steps (1, 2 or 5 times a power of ten) reaching <paramref name="value"/> at least.</summary>
    public static int NiceMax(int value) => Step(value) * 4;

    /// <summary>0 and the four round steps up to <see cref="NiceMax"/>.</summary>
    public static IEnumerable<int> Ticks(int max)
    {
        var step = Step(max);
        for (var tick = 0; tick <= max; tick += step)
        {
            yield return tick;
        }
    }

    /// <summary>At most <paramref name="labels"/> indices of <paramref name="count"/>, evenly spread, first and last included.</summary>
    public static IEnumerable<int> Spread(int count, int labels)
    {
        if (count <= labels)
        {
            return Enumerable.Range(0, count);
        }

        return Enumerable.Range(0, labels).Select(i => (int)Math.Round(i * (count - 1) / (double)(labels - 1))).Distinct();
    }

    /// <summary>A coordinate with one decimal and a dot, whatever the reader's language.</summary>
    public static string Coordinate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static int Step(int value)
    {
        var raw = Math.Max(1, value) / 4.0;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        return Math.Max(1, (int)Math.Ceiling(step));
    }
}
