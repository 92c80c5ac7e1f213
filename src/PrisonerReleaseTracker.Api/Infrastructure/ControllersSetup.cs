using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>MVC as the contract needs it: strict JSON and query reading, and one validation answer for everything.</summary>
public static class ControllersSetup
{
    public static IServiceCollection AddApiControllers(this IServiceCollection services)
    {
        // Built once: a validator's rules are built in its constructor (expression trees), which per request was a
        // measurable share of a totals answer. They depend on singletons only (the clock, options).
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
        // Messages in the API's one language, naming fields as clients write them: "'fullName' must not be empty", "Required."
        ValidatorOptions.Global.LanguageManager.Culture = CultureInfo.GetCultureInfo("en");
        ((FluentValidation.Resources.LanguageManager)ValidatorOptions.Global.LanguageManager).AddTranslation("en", "NotNullValidator", "Required.");
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonPath.CamelCase(member.Name);
        services.AddControllers(options =>
            {
                options.Filters.Add<ValidationFilter>();
                options.ModelBinderProviders.Insert(0, new StrictQueryBinderProvider());
                options.ModelBinderProviders.Insert(0, new MomentBinderProvider());
                // The API reads no forms: a form body is a 415 from the JSON binder, never parsed for values (MVC's
                // jQuery form reader threw on a key with an unclosed bracket: a 500).
                options.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
                options.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
                options.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
                // FluentValidation says what is required; MVC's implicit [Required] on non-nullable references would
                // answer first, in its own words, and hide the other fields' problems.
                options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
            })
            .AddJsonOptions(options =>
            {
                // Names and quoted claims in any script stay readable ("más de 600"), not \u-escaped.
                options.JsonSerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
                options.JsonSerializerOptions.Converters.Add(new StrictEnumConverterFactory());
                options.JsonSerializerOptions.Converters.Add(new Rfc3339Converter());
                options.JsonSerializerOptions.Converters.Add(new CalendarDateConverter());
                options.JsonSerializerOptions.Converters.Add(new PartialDateJsonConverter());
            })
            // ValidationFilter answers every invalid request, with what binding could not read and what the rules refuse.
            .ConfigureApiBehaviorOptions(options => options.SuppressModelStateInvalidFilter = true);
        services.AddOptions<MvcOptions>().Configure<IOptions<JsonOptions>>((mvc, json) =>
        {
            mvc.InputFormatters.RemoveType<SystemTextJsonInputFormatter>();
            mvc.InputFormatters.Insert(0, new RequestJsonInputFormatter(json.Value.JsonSerializerOptions));
        });
        return services;
    }
}
