using System.Globalization;
using System.Text;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// What researchers type into q=: a person's name (or its transliteration), Latin names often without accents or
/// capitals. Every term names someone among the first <c>scale</c> people, who exist at every larger scale too.
/// Written one URL-encoded term per line for wrk's Lua script.
/// </summary>
internal static class SearchTerms
{
    public static int Write(long scale, long seed, int count, string path)
    {
        var rng = new Rng(seed, 10, 0);
        var lines = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var person = DataModel.Person(seed, (long)(rng.NextDouble() * scale)).Detainee;
            var name = person.OtherNames.Length > 0 && rng.Chance(0.3) ? person.OtherNames[0] : person.FullName;
            var words = name.Split(' ');
            // Often just the two surnames (a search matches contiguous text).
            if (words.Length >= 3 && rng.Chance(0.4))
            {
                name = words[^2] + " " + words[^1];
            }

            if (name[0] < '\u0250' && rng.Chance(0.5))
            {
                name = Unaccent(name).ToLowerInvariant();
            }

            lines.Add(Uri.EscapeDataString(name));
        }

        File.WriteAllLines(path, lines);
        return 0;
    }

    internal static string Unaccent(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
