namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>
/// A randomized test draws from a seed it prints, and replays a failure from <see cref="Variable"/>:
/// <c>PRT_TEST_SEED=1234 dotnet test ... -- --filter-method '*Replay*'</c>.
/// </summary>
public static class TestSeed
{
    public const string Variable = "PRT_TEST_SEED";

    public static Random Random(out int seed)
    {
        seed = int.TryParse(Environment.GetEnvironmentVariable(Variable), out var given) ? given : System.Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed} (replay with {Variable}={seed})");
        return new Random(seed);
    }
}
