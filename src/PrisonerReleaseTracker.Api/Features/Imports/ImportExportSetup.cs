using PrisonerReleaseTracker.Api.Features.Exports;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>Services of bulk import and export.</summary>
public static class ImportExportSetup
{
    public static IServiceCollection AddImportsAndExports(this IServiceCollection services)
    {
        services.AddScoped<ImportService>();
        services.AddScoped<ExportQueries>();
        services.ConfigureSwaggerGen(options => options.OperationFilter<ImportExportOperationFilter>());
        return services;
    }
}
