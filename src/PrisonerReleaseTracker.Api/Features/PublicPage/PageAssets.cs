using System.Security.Cryptography;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// The page's stylesheet, script and icon, embedded in the assembly (a plain <c>dotnet PrisonerReleaseTracker.Api.dll</c> reads
/// nothing from its folder) and served by the app itself: no third-party host. Their URLs carry a hash of their bytes,
/// so browsers may keep them for a year and still get a changed file at once.
/// </summary>
public sealed class PageAssets
{
    private readonly Dictionary<string, Asset> _byName;

    public PageAssets()
    {
        _byName = new Dictionary<string, Asset>(StringComparer.Ordinal)
        {
            ["page.css"] = Load("page.css", "text/css; charset=utf-8"),
            ["page.js"] = Load("page.js", "text/javascript; charset=utf-8"),
            ["favicon.svg"] = Load("favicon.svg", "image/svg+xml"),
        };
    }

    public string StylesheetUrl => Url("page.css");

    public string ScriptUrl => Url("page.js");

    public string IconUrl => Url("favicon.svg");

    public bool TryGet(string name, out Asset asset) => _byName.TryGetValue(name, out asset!);

    private string Url(string name) => $"/page/assets/{name}?v={_byName[name].Version}";

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream($"{typeof(PageAssets).Namespace}.Assets.{name}")
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        return new Asset(bytes, contentType, version);
    }

    /// <summary>An asset's bytes, type, and the hash its URL and ETag carry.</summary>
    public sealed record Asset(byte[] Bytes, string ContentType, string Version);
}
