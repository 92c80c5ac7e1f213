using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// An operator's mistake at start-up is one clear line naming the setting and what it expects, and a non-zero exit:
/// the API process itself is started, as `dotnet PrisonerReleaseTracker.Api.dll` with the settings in its environment.
/// </summary>
public sealed class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bootstrap_key_without_the_key_format_is_one_line_saying_the_format()
    {
        var (exit, output) = await StartAsync(new()
        {
            ["ConnectionStrings__Default"] = "Host=127.0.0.1;Port=1;Database=prt;Username=postgres",
            ["Auth__BootstrapAdminKey"] = "correct horse battery staple",
        });

        Assert.Equal(1, exit);
        var line = Assert.Single(output);
        Assert.Contains("Auth:BootstrapAdminKey", line, StringComparison.Ordinal);
        Assert.Contains("'prt_' followed by 43 URL-safe base64 characters", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_string_is_one_line_naming_the_setting()
    {
        var (exit, output) = await StartAsync(new() { ["ConnectionStrings__Default"] = null });

        Assert.Equal(1, exit);
        Assert.Contains("ConnectionStrings:Default is not set", Assert.Single(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_at_start_with_migrations_on_is_one_line_naming_where_it_was_looked_for()
    {
        var port = UnusedPort();
        var (exit, output) = await StartAsync(new()
        {
            ["ConnectionStrings__Default"] = $"Host=127.0.0.1;Port={port};Database=prt_nowhere;Username=postgres;Timeout=2",
            ["Database__MigrateOnStartup"] = "true",
        });

        Assert.Equal(1, exit);
        var line = Assert.Single(output);
        Assert.Contains($"prt_nowhere at 127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Default", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fault_EF_takes_for_transient_is_reported_by_its_cause_not_by_EFs_wrapper()
    {
        var wrapped = new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new Npgsql.NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt.")));

        Assert.Equal("Exception while reading from stream: Timeout during reading attempt", PrisonerReleaseTracker.Api.Data.DatabaseStartup.Reason(wrapped));
    }

    /// <summary>Runs the API until it exits (at most 60 s); its non-empty output lines, which must hold no stack frame.</summary>
    private static async Task<(int Exit, List<string> Output)> StartAsync(Dictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PrisonerReleaseTracker.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("prt-startup-").FullName,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("Auth__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stdout + await stderr).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.DoesNotContain(output, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal));
        return (process.ExitCode, output);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
