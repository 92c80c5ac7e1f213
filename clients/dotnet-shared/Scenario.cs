using System.Diagnostics;

namespace Prt.Scenarios;

/// <summary>A step of the scenario found the API answering otherwise than the contract says.</summary>
public sealed class ScenarioFailedException(string message) : Exception(message);

/// <summary>
/// What the C# scenarios share and nothing more: settings, the run's own names and release day, steps that print what
/// they did and stop at the first failure, and checks. All HTTP goes through the generated clients.
/// </summary>
public sealed class Scenario
{
    public Scenario(string title)
    {
        BaseUrl = Setting("PRT_BASE_URL").TrimEnd('/');
        AdminKey = Setting("PRT_ADMIN_KEY");
        Run = Guid.NewGuid().ToString("N")[..8];
        var seed = Convert.ToInt32(Run[..7], 16);
        // A release day of its own, far from the demo story, so the totals for that day move only with this run.
        Day = new DateOnly(2000 + (seed % 20), 1 + (seed / 20 % 12), 1 + (seed / 240 % 28));
        Console.WriteLine($"{title} against {BaseUrl}, run {Run}, release day {Day:yyyy-MM-dd}");
    }

    public string BaseUrl { get; }

    public string AdminKey { get; }

    /// <summary>Eight hex digits that name this run's organizations and people.</summary>
    public string Run { get; }

    public DateOnly Day { get; }

    public Uri ApiRoot => new(BaseUrl + "/");

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new ScenarioFailedException($"set {name}");

    /// <summary>Runs the scenario; 0 when every step passed, 1 at the first failure (with its message).</summary>
    public static async Task<int> RunAsync(string title, Func<Scenario, Task> scenario)
    {
        try
        {
            await scenario(new Scenario(title));
            Console.WriteLine($"{title}: passed");
            return 0;
        }
        catch (Exception e)
        {
            if (e is not StepFailedException)
            {
                Console.Error.WriteLine($"  FAIL {e.Message}");
            }

            Console.Error.WriteLine($"{title}: FAILED");
            return 1;
        }
    }

    public async Task<T> Step<T>(string name, Func<Task<T>> body)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await body();
            Console.WriteLine($"  ok   {name} ({clock.ElapsedMilliseconds} ms)");
            return result;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"  FAIL {name}: {e.GetType().Name}: {e.Message}");
            throw new StepFailedException(e);
        }
    }

    public Task Step(string name, Func<Task> body) => Step(name, async () =>
    {
        await body();
        return true;
    });

    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ScenarioFailedException(message);
        }
    }

    public static T Present<T>(T? value, string what)
        where T : class => value ?? throw new ScenarioFailedException($"no {what} in the answer");

    /// <summary>Calls the API expecting the generated client to throw <typeparamref name="TException"/>; returns it.</summary>
    public static async Task<TException> FailsWith<TException>(Func<Task> call, string expected)
        where TException : Exception
    {
        try
        {
            await call();
        }
        catch (TException e)
        {
            return e;
        }

        throw new ScenarioFailedException($"expected {expected}, but the call succeeded");
    }

    /// <summary>The single value of a response header as the generated client exposes the headers; a failure when absent.</summary>
    public static string Header(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, string name) =>
        headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).FirstOrDefault()
        ?? throw new ScenarioFailedException($"no {name} header in the answer");

    /// <summary>Location is the absolute URL of the new item: the base URL and the path of the operation that reads it.</summary>
    public void ExpectLocation(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, string itemPath)
    {
        var location = Header(headers, "Location");
        Check(location == BaseUrl + itemPath, $"Location {location} is not {BaseUrl}{itemPath}");
    }

    /// <summary>A moment just past, for decisions and claims (the API refuses moments in the future).</summary>
    public static DateTimeOffset SecondsAgo(int seconds) => DateTimeOffset.UtcNow.AddSeconds(-seconds);

    private sealed class StepFailedException(Exception inner) : Exception(inner.Message, inner);
}
