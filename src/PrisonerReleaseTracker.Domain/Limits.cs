namespace PrisonerReleaseTracker.Domain;

/// <summary>Maximum lengths shared by the validators and the database schema.</summary>
public static class Limits
{
    public const int Name = 300;
    public const int ShortText = 200;
    public const int Code = 64;
    public const int Note = 4000;
    public const int Url = 2000;
    public const int Language = 35;
    public const int ListItems = 50;
    public const int NationalId = 100;
    public const int OriginalText = 4000;
}
