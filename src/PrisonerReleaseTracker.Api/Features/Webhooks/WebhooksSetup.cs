using Microsoft.AspNetCore.DataProtection;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>Services of the change feed's webhooks: options, secrets, the sender, and the dispatcher with its listener.</summary>
public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WebhookOptions.Section);
        services.AddOptions<WebhookOptions>().Bind(section).PostConfigure(options =>
        {
            // One value ("localhost,127.0.0.1") as well as an array (Webhooks:AllowedHttpHosts:0, ...).
            var listed = section.GetSection(nameof(WebhookOptions.AllowedHttpHosts)).Value;
            options.AllowedHttpHosts.AddRange((listed ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }).Validate(o => o.Timeout > TimeSpan.Zero && o.Retries >= 0 && o.Backoff > TimeSpan.Zero && o.MaxBackoff >= o.Backoff
            && o.MaxAge > TimeSpan.Zero && o.DisableAfter > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.Concurrency > 0 && o.BatchSize > 0
            && o.MaxResponseBytes >= 0, "Webhooks: every duration must be positive, MaxBackoff at least Backoff, Concurrency and BatchSize at least 1.")
            .ValidateOnStart();

        services.AddDataProtection().SetApplicationName("PrisonerReleaseTracker").PersistKeysToDbContext<AppDbContext>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSender>();
        if (section.GetValue(nameof(WebhookOptions.Dispatch), true))
        {
            services.AddHostedService<WebhookListener>();
            services.AddSingleton<WebhookDispatcher>();
            services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        }

        services.ConfigureSwaggerGen(options => options.DocumentFilter<WebhookDocumentFilter>());
        return services;
    }
}
