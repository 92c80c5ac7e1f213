using Microsoft.OpenApi;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>Services of the totals.</summary>
public static class TotalsSetup
{
    public static IServiceCollection AddTotals(this IServiceCollection services)
    {
        services.AddScoped<TotalsReader>();
        services.AddOptions<TotalsFoldOptions>().BindConfiguration(TotalsFoldOptions.Section);
        services.AddSingleton<TotalsFold>();
        services.AddHostedService(provider => provider.GetRequiredService<TotalsFold>());
        // In the document, asOf and knownAt are the text a client sends.
        services.ConfigureSwaggerGen(options =>
        {
            options.MapType<AsOf>(() => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 35 });
            options.MapType<KnownAt>(() => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 35 });
        });
        return services;
    }
}
