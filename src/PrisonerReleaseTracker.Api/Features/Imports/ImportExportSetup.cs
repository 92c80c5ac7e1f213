namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>Services of bulk import and export.</summary>
public static class ImportExportSetup
{
    public static IServiceCollection AddImportsAndExports(this IServiceCollection services) => services;
}
