using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.UnitTests;

public class TextNormalizerTests
{
    [Theory]
    [InlineData("  José   ÁNGEL Núñez ", "jose angel nunez")]
    [InlineData("María Peña", "maria pena")]
    [InlineData("Nguyễn Văn Đức", "nguyen van đuc")]
    [InlineData("François Müller", "francois muller")]
    [InlineData("Ögmundur Þórsson", "ogmundur þorsson")]
    public void Latin_letters_lose_case_and_accents(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.FoldForMatching(text));
    }

    [Fact]
    public void Decomposed_and_precomposed_accents_fold_alike()
    {
        Assert.Equal(
            TextNormalizer.FoldForMatching("Jos\u00E9"),
            TextNormalizer.FoldForMatching("Jose\u0301"));
    }

    [Fact]
    public void Runs_of_any_whitespace_become_one_space()
    {
        Assert.Equal("ana maria", TextNormalizer.FoldForMatching("\tAna\u00A0\u00A0 \n María\r\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Blank_text_folds_to_empty(string text)
    {
        Assert.Equal(string.Empty, TextNormalizer.FoldForMatching(text));
    }

    [Fact]
    public void Chinese_is_left_intact()
    {
        Assert.Equal("陈卫", TextNormalizer.FoldForMatching("陈卫"));
    }

    [Fact]
    public void Uyghur_keeps_the_hamza_that_is_part_of_its_letters()
    {
        // ئ (U+0626) decomposes to ي plus a hamza mark; dropping the mark would change the name.
        const string name = "ئىلھام توختى";

        var folded = TextNormalizer.FoldForMatching(name);

        Assert.Equal(name, folded);
        Assert.Contains('\u0626', folded);
    }

    [Fact]
    public void Cyrillic_is_lower_cased_but_keeps_its_letters()
    {
        Assert.Equal("алексей навальный", TextNormalizer.FoldForMatching("Алексей  НАВАЛЬНЫЙ"));
    }

    [Fact]
    public void Cyrillic_letters_with_marks_are_not_turned_into_other_letters()
    {
        // й is not и with an accent, nor ё plain е in a name.
        Assert.Equal("йосиф сёмин", TextNormalizer.FoldForMatching("Йосиф Сёмин"));
    }

    [Fact]
    public void Japanese_voicing_marks_are_kept()
    {
        Assert.Equal("ガガーリン", TextNormalizer.FoldForMatching("ガガーリン"));
    }

    [Fact]
    public void Mixed_scripts_are_each_folded_by_their_own_rule()
    {
        Assert.Equal("jose 陈卫 й", TextNormalizer.FoldForMatching(" JOSÉ  陈卫 Й "));
    }
}
