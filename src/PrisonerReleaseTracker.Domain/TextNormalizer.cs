using System.Globalization;
using System.Text;

namespace PrisonerReleaseTracker.Domain;

/// <summary>Folds names so that spellings differing only in case, accents or spacing compare equal.</summary>
public static class TextNormalizer
{
    /// <summary>
    /// Lower-cases (invariant culture), strips diacritics from Latin letters, collapses runs of whitespace
    /// to one space and trims: <c>"  José   ÁNGEL Núñez "</c> becomes <c>"jose angel nunez"</c>.
    /// Other scripts keep their marks: in them a mark is often part of the letter (Uyghur <c>ئ</c>,
    /// Cyrillic <c>й</c>, Japanese <c>が</c>), and dropping it would make different names match.
    /// </summary>
    public static string FoldForMatching(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var afterLatinLetter = false;
        var spacePending = false;

        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                spacePending = folded.Length > 0;
                afterLatinLetter = false;
                continue;
            }

            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                if (afterLatinLetter)
                {
                    continue;
                }
            }
            else
            {
                afterLatinLetter = IsLatinLetter(rune);
            }

            if (spacePending)
            {
                folded.Append(' ');
                spacePending = false;
            }

            folded.Append(Rune.ToLowerInvariant(rune));
        }

        // Marks kept in other scripts join their letters again.
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool IsLatinLetter(Rune rune) =>
        Rune.IsLetter(rune) && rune.Value switch
        {
            <= 0x024F => true, // Basic Latin, Latin-1 Supplement, Latin Extended-A and -B
            >= 0x1E00 and <= 0x1EFF => true, // Latin Extended Additional (Vietnamese)
            >= 0x2C60 and <= 0x2C7F => true, // Latin Extended-C
            >= 0xA720 and <= 0xA7FF => true, // Latin Extended-D
            >= 0xFF21 and <= 0xFF5A => true, // Fullwidth Latin
            _ => false,
        };
}
