using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Infrastructure;

// Every setting has its default in code and comes from configuration keys (environment variables included),
// so `dotnet path/to/PrisonerReleaseTracker.Api.dll` needs nothing from the working folder.
var builder = WebApplication.CreateBuilder(args);

// The framework's own request lines carry the query string, where a searched name would be: our middleware logs instead.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore.Mvc", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
// A failed command is reported by the exception handler (type and status); EF would log its SQL, and on a
// fresh database it reports the missing migrations table as an error before creating it.
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);

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

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(options => options.AddRolePolicies());

builder.Services.AddApiProblemDetails();
builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
builder.Services.AddControllers(options => options.Filters.Add<ValidationFilter>())
    .AddJsonOptions(options =>
    {
        // Names and quoted claims in any script stay readable ("más de 600"), not \u-escaped.
        options.JsonSerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.JsonSerializerOptions.Converters.Add(new PartialDateJsonConverter());
    })
    .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = ValidationProblems.FromModelState);
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Detainees.DetaineeQueries>();
builder.Services.AddScoped<PrisonerReleaseTracker.Api.Features.Releases.ReleaseQueries>();
builder.Services.AddTotals();
builder.Services.AddImportsAndExports();
builder.Services.AddApiDocument();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

var app = builder.Build();

app.UseMiddleware<RequestLoggingMiddleware>();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseBodySizeLimit();
app.UseConfiguredCors();

if (app.Configuration.GetValue("Swagger:Enabled", app.Environment.IsDevelopment()))
{
    app.UseSwagger();
    app.UseSwaggerUI(options => options.SwaggerEndpoint($"/swagger/{OpenApiSetup.DocumentName}/swagger.json", "PrisonerReleaseTracker v1"));
}

app.UseAuthentication();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.UseAuthorization();
app.UseOutputCache();

app.MapControllers();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();

await DatabaseStartup.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
await app.RunAsync();
