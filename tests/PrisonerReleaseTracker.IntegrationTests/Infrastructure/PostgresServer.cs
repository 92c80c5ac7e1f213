using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for a test run, from the first source that works:
/// <list type="number">
/// <item>a configured server: <c>TEST_DATABASE_URL</c> or <c>ConnectionStrings__Default</c> (an Npgsql
/// connection string, or a <c>postgres://</c> URL, for a role that may create databases);</item>
/// <item>a Testcontainers container (<c>postgres:15-alpine</c>) when a Docker engine answers;</item>
/// <item>a throwaway cluster made with the local PostgreSQL binaries in <c>/tmp/prt-test-pg-&lt;pid&gt;-&lt;n&gt;</c>,
/// run as the <c>postgres</c> user when this process is root, on a free loopback port.</item>
/// </list>
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ContainerImage = "postgres:15-alpine";
    private const string MaintenanceDatabase = "postgres";

    private readonly PostgreSqlContainer? container;
    private readonly LocalCluster? cluster;
    private readonly List<string> createdDatabases = [];
    private readonly Lock gate = new();
    private bool disposed;

    private PostgresServer(string kind, string adminConnectionString, PostgreSqlContainer? container, LocalCluster? cluster)
    {
        Kind = kind;
        AdminConnectionString = WithDatabase(adminConnectionString, MaintenanceDatabase);
        this.container = container;
        this.cluster = cluster;
    }

    /// <summary>"configured", "testcontainers" or "local-cluster".</summary>
    public string Kind { get; }

    /// <summary>A connection string to the maintenance database <c>postgres</c>.</summary>
    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var configured = FirstNonEmpty(
            Environment.GetEnvironmentVariable("TEST_DATABASE_URL"),
            Environment.GetEnvironmentVariable("ConnectionStrings__Default"));
        if (configured is not null)
        {
            return new PostgresServer("configured", ToNpgsqlConnectionString(configured), null, null);
        }

        if (await TryStartContainerAsync(ct) is { } started)
        {
            return new PostgresServer("testcontainers", started.GetConnectionString(), started, null);
        }

        var local = await LocalCluster.StartAsync(ct);
        return new PostgresServer("local-cluster", local.ConnectionString, null, local);
    }

    /// <summary>Creates the database <paramref name="name"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 63 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException("A database name here is at most 63 lower-case letters, digits and underscores.", nameof(name));
        }

        await ExecuteAsync($"CREATE DATABASE \"{name}\"", ct);
        lock (gate)
        {
            createdDatabases.Add(name);
        }

        return WithDatabase(AdminConnectionString, name);
    }

    /// <summary>Stops the server and keeps its data (local cluster only).</summary>
    public Task StopAsync() => RequireCluster().StopAsync(CancellationToken.None);

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same port (local cluster only).</summary>
    public Task StartAgainAsync() => RequireCluster().StartServerAsync(CancellationToken.None);

    /// <summary>
    /// Pauses the server (local cluster only): <c>SIGSTOP</c> to the postmaster and every process it started, so that
    /// connections stay open and nothing answers, as with a frozen host or a network that drops packets.
    /// </summary>
    public Task PauseAsync() => RequireCluster().SignalAsync("-STOP");

    /// <summary>Continues a server paused by <see cref="PauseAsync"/> (<c>SIGCONT</c>).</summary>
    public Task ResumeAsync() => RequireCluster().SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
        else if (container is not null)
        {
            await container.DisposeAsync();
        }
        else
        {
            await DropCreatedDatabasesAsync();
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        string[] names;
        lock (gate)
        {
            names = [.. createdDatabases];
            createdDatabases.Clear();
        }

        foreach (var name in names)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
            }
            catch (NpgsqlException ex)
            {
                await Console.Error.WriteLineAsync($"PostgresServer: could not drop database {name}: {ex.Message}");
            }
        }
    }

    // Not pooled: the server may have been restarted since the last call (StopAsync/StartAgainAsync).
    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private LocalCluster RequireCluster() =>
        cluster ?? throw new NotSupportedException($"Stopping and starting the server needs a local cluster; this server is '{Kind}'.");

    private static async Task<PostgreSqlContainer?> TryStartContainerAsync(CancellationToken ct)
    {
        // Without a Docker engine this is null, and Build() would throw DockerUnavailableException.
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            return null;
        }

        PostgreSqlContainer candidate;
        try
        {
            candidate = new PostgreSqlBuilder(ContainerImage).Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }

        try
        {
            await candidate.StartAsync(ct);
            return candidate;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An engine without access to an image registry, for instance: fall back to a local cluster.
            await candidate.DisposeAsync();
            await Console.Error.WriteLineAsync($"PostgresServer: Testcontainers could not start {ContainerImage} ({ex.Message}); using a local cluster.");
            return null;
        }
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    // Accepts postgres://user:password@host:port/database as well as an Npgsql connection string.
    private static string ToNpgsqlConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var uri = new Uri(value);
        var credentials = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(credentials[0]),
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } database ? Uri.UnescapeDataString(database) : MaintenanceDatabase,
        };
        if (credentials.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(credentials[1]);
        }

        return builder.ConnectionString;
    }

    /// <summary>A cluster in its own folder under /tmp, owned by this process (the folder name carries its id).</summary>
    private sealed class LocalCluster : IAsyncDisposable
    {
        private const string TempRoot = "/tmp";
        private const string FolderPrefix = "prt-test-pg-";
        private const string Owner = "postgres";
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
        private static int sequence;

        private readonly string binDirectory;
        private readonly string root;
        private readonly string dataDirectory;
        private readonly string logFile;
        private int port;

        private LocalCluster(string binDirectory, string root)
        {
            this.binDirectory = binDirectory;
            this.root = root;
            dataDirectory = Path.Combine(root, "data");
            logFile = Path.Combine(root, "postgresql.log");
        }

        public string ConnectionString =>
            string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Database={MaintenanceDatabase};Username=postgres");

        // postgres refuses to run as root: then every server command runs as the postgres user.
        private static bool RunAsOwner => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

        public static async Task<LocalCluster> StartAsync(CancellationToken ct)
        {
            var binDirectory = FindBinaries() ?? throw new InvalidOperationException(
                "No PostgreSQL server binaries (initdb, pg_ctl) in PATH or /usr/lib/postgresql/*/bin. Install the Debian "
                + "package 'postgresql' (scripts/pg-local.sh ensure-binaries does it), or set TEST_DATABASE_URL.");
            await RemoveLeftoversAsync(binDirectory);

            var name = string.Create(CultureInfo.InvariantCulture, $"{FolderPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref sequence)}");
            var cluster = new LocalCluster(binDirectory, Path.Combine(TempRoot, name));
            try
            {
                await cluster.CreateAsync(ct);
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public async Task StartServerAsync(CancellationToken ct)
        {
            var options = string.Create(
                CultureInfo.InvariantCulture,
                $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
            await RunToolAsync("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options, "start"], ct);
        }

        public Task StopAsync(CancellationToken ct) =>
            RunToolAsync("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], ct);

        public async ValueTask DisposeAsync() => await DestroyAsync(binDirectory, root);

        /// <summary>Sends <paramref name="signal"/> to the postmaster first, then to its children.</summary>
        public Task SignalAsync(string signal)
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            var children = Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
                .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
            string[] arguments = [signal, .. children.Prepend(postmaster).Select(pid => pid.ToString(CultureInfo.InvariantCulture))];
            return RunAsync("kill", arguments, logFile, CancellationToken.None);
        }

        // /proc/<pid>/stat is "pid (name) state ppid ...": the name may hold spaces and parentheses, the last ')' ends it.
        private static int ParentOf(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private async Task CreateAsync(CancellationToken ct)
        {
            Directory.CreateDirectory(root);
            if (RunAsOwner)
            {
                await RunAsync("chown", [$"{Owner}:{Owner}", root], null, ct);
            }

            await RunToolAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);

            // The port is free when picked but may be taken before the server binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                port = FreeLoopbackPort();
                try
                {
                    await StartServerAsync(ct);
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
            }
        }

        private static async Task DestroyAsync(string binDirectory, string root)
        {
            var dataDirectory = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                try
                {
                    await RunAsync(Tool(binDirectory, "pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], null, CancellationToken.None);
                }
                catch (InvalidOperationException ex)
                {
                    await Console.Error.WriteLineAsync($"PostgresServer: could not stop the cluster in {root}: {ex.Message}");
                }
            }

            try
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"PostgresServer: could not delete {root}: {ex.Message}");
            }
            catch (UnauthorizedAccessException ex)
            {
                await Console.Error.WriteLineAsync($"PostgresServer: could not delete {root}: {ex.Message}");
            }
        }

        // A test process killed before disposing (Ctrl+C, SIGTERM, kill -9) leaves its cluster running.
        private static async Task RemoveLeftoversAsync(string binDirectory)
        {
            foreach (var directory in Directory.EnumerateDirectories(TempRoot, FolderPrefix + "*"))
            {
                if (OwnerProcessId(directory) is { } pid && !IsRunning(pid))
                {
                    await DestroyAsync(binDirectory, directory);
                }
            }
        }

        private static int? OwnerProcessId(string directory)
        {
            var rest = Path.GetFileName(directory)[FolderPrefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            var digits = dash < 0 ? rest : rest[..dash];
            return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }

        private static bool IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static string? FindBinaries()
        {
            var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            var fromPackages = Directory.Exists("/usr/lib/postgresql")
                ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin"))
                : [];
            foreach (var directory in fromPath.Concat(fromPackages))
            {
                var pgCtl = Path.Combine(directory, "pg_ctl");
                if (File.Exists(pgCtl) && File.Exists(Path.Combine(directory, "initdb")))
                {
                    // /usr/local/bin/pg_ctl may be a link into /usr/lib/postgresql/<version>/bin.
                    var target = File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl;
                    return Path.GetDirectoryName(target);
                }
            }

            return null;
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static string Tool(string binDirectory, string name) => Path.Combine(binDirectory, name);

        private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct) =>
            RunAsync(Tool(binDirectory, tool), arguments, logFile, ct);

        /// <summary>Runs a command (as the postgres user when root); throws with its output and the log's tail on failure.</summary>
        private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? logFile, CancellationToken ct)
        {
            var runAsOwner = RunAsOwner && !string.Equals(fileName, "chown", StringComparison.Ordinal);
            var startInfo = new ProcessStartInfo(runAsOwner ? "runuser" : fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = TempRoot, // the postgres user may not be able to enter ours
            };
            if (runAsOwner)
            {
                foreach (var prefix in (string[])["-u", Owner, "--", fileName])
                {
                    startInfo.ArgumentList.Add(prefix);
                }
            }

            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start: {commandLine}");
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }

                throw new InvalidOperationException($"Timed out after {CommandTimeout.TotalSeconds} s: {commandLine}{LogTail(logFile)}");
            }

            var output = (await stdout + await stderr).Trim();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"Exit code {process.ExitCode}: {commandLine}{Environment.NewLine}{output}{LogTail(logFile)}");
            }
        }

        private static string LogTail(string? logFile)
        {
            if (logFile is null || !File.Exists(logFile))
            {
                return string.Empty;
            }

            try
            {
                var tail = File.ReadLines(logFile).TakeLast(30);
                return $"{Environment.NewLine}--- end of {logFile}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
            }
            catch (IOException ex)
            {
                return $"{Environment.NewLine}(could not read {logFile}: {ex.Message})";
            }
            catch (UnauthorizedAccessException ex)
            {
                return $"{Environment.NewLine}(could not read {logFile}: {ex.Message})";
            }
        }
    }
}
