namespace PrisonerReleaseTracker.Api.Features.Tallies;

public static class TalliesSetup
{
    /// <summary>Publishing and checking tallies.</summary>
    public static IServiceCollection AddTallies(this IServiceCollection services) => services.AddScoped<TallyService>();
}
