using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.WebUtilities;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Api.Features.PublicPage;
using PrisonerReleaseTracker.Api.Features.Tallies;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Features.Webhooks;

// Every setting has its default in code and comes from configuration keys (environment variables included),
// so `dotnet path/to/PrisonerReleaseTracker.Api.dll` needs nothing from the working folder.
var builder = WebApplication.CreateBuilder(args);
if (StartupConfiguration.Problems(builder.Configuration) is { Count: > 0 } problems)
{
    problems.ForEach(problem => Console.Error.WriteLine($"PrisonerReleaseTracker: configuration error: {problem}"));
    return 1;
}

// The framework's own request lines carry the query string, where a searched name would be: our middleware logs instead.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Mvc", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
// Start-up failures are reported in one line below, not with the host's stack trace.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
// A failed command is reported by the exception handler (type and status); EF would log its SQL, and on a
// fresh database it reports the missing migrations table as an error before creating it.
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.None);

// Every environment checks the services as Development does: a singleton that takes a scoped service (a validator, a
// singleton for speed, that took the request's DbContext would share one across requests) stops the start, in tests
// and in production alike, instead of serving wrong data.
builder.Host.UseDefaultServiceProvider(provider =>
{
    provider.ValidateScopes = true;
    provider.ValidateOnBuild = true;
});

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = Protection.DefaultBodyLimit;
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DataVersion>();
builder.Services.AddSingleton<ApiKeyStore>();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<IAuditActor, CallerAuditActor>();
builder.Services.AddAnswerCache();
// The options are built once: a context per request then costs an allocation, not a parse of the configuration.
builder.Services.AddDatabase();
builder.Services.AddApiProtection(builder.Configuration);
builder.Services.AddSingleton(RequestBudgetOptions.From(builder.Configuration));
builder.Services.AddSingleton(DatabaseWatchdogOptions.From(builder.Configuration));
builder.Services.AddSingleton<DatabaseProbe>();

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(options => options.AddRolePolicies());

builder.Services.AddApiProblemDetails();
builder.Services.AddApiControllers();
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Detainees.DetaineeQueries>();
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Releases.ReleaseQueries>();
builder.Services.AddTotals();
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Lists.ListUpload>();
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Lists.Reconciliation>();
builder.Services.AddTallies();
builder.Services.AddImportsAndExports();
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddPublicPage();
builder.Services.AddApiDocument(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

var app = builder.Build();

app.UseMiddleware<RequestLoggingMiddleware>();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages(context => ProblemWriter.WriteAsync(context.HttpContext, new ProblemDetails
{
    Status = context.HttpContext.Response.StatusCode,
    Title = ReasonPhrases.GetReasonPhrase(context.HttpContext.Response.StatusCode),
}));
app.UseRouting();
app.UseMiddleware<DatabaseWatchdogMiddleware>();
app.UseBodySizeLimit();
app.UseConfiguredCors();

if (app.Configuration.GetValue("Swagger:Enabled", app.Environment.IsDevelopment()))
{
    app.UseSwagger();
    app.UseSwaggerUI(options => options.SwaggerEndpoint($"/swagger/{OpenApiSetup.DocumentName}/swagger.json", "PrisonerReleaseTracker v1"));
}

app.UseAuthentication();
app.UseMiddleware<RateLimitingMiddleware>();
// A kept answer (totals, the public page: anonymous reads only) is served here, after the rate limiter and before what
// only a computation needs: a request timeout, authorization, the request budget.
app.UseOutputCache();
app.UseRequestTimeouts();
app.UseAuthorization();
app.UseMiddleware<RequestBudgetMiddleware>();

// An operation that forgets to declare its policy is not open: it needs at least a Researcher key. (Only operations:
// a path that matches none is a 404 for everyone.)
app.MapControllers().RequireAuthorization(Policies.Researcher);
app.MapPublicPage();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();

try
{
    await DatabaseStartup.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
    await app.RunAsync();
}
catch (Exception e) when (e is StartupException or IOException)
{
    Console.Error.WriteLine($"PrisonerReleaseTracker: start-up error: {e.Message}");
    return 1;
}

return 0;
