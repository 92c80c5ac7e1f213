using PrisonerReleaseTracker.Domain;

namespace PrisonerReleaseTracker.UnitTests;

public class CountryCodesTests
{
    [Fact]
    public void All_249_officially_assigned_codes_are_listed()
    {
        Assert.Equal(249, CountryCodes.All.Count);
    }

    [Fact]
    public void Every_listed_code_is_two_upper_case_letters()
    {
        Assert.All(CountryCodes.All, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("VE")]
    [InlineData("ES")]
    [InlineData("CN")]
    [InlineData("US")]
    [InlineData("GB")]
    [InlineData("CU")]
    [InlineData("NI")]
    [InlineData("BY")]
    [InlineData("SS")]
    [InlineData("CW")]
    [InlineData("SX")]
    [InlineData("BQ")]
    [InlineData("AX")]
    [InlineData("PS")]
    [InlineData("TW")]
    public void An_officially_assigned_code_is_valid(string code)
    {
        Assert.True(CountryCodes.IsValid(code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("XX")]
    [InlineData("UK")]
    [InlineData("XK")]
    [InlineData("EU")]
    [InlineData("AN")]
    [InlineData("YU")]
    [InlineData("es")]
    [InlineData("Es")]
    [InlineData("E")]
    [InlineData("ESP")]
    [InlineData(" ES")]
    public void A_code_that_is_not_officially_assigned_in_upper_case_is_invalid(string? code)
    {
        Assert.False(CountryCodes.IsValid(code));
    }
}
