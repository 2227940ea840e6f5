using System.Globalization;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Jq.Tests.Limits;

/// <summary>
/// Issue 13's fuzzing round: random programs, mutations of jq 1.8's own suite programs, deep and long programs, deep and
/// wide inputs, all run by <c>Port.Sdk.Jq.FuzzRunner</c> in a child process under a 1 GB heap cap. Every case must end in
/// outputs or a jq error (a parse error, a runtime error or a limit); a crash ends the child and fails the round.
/// The CI round is small and seed-fixed; <c>PORT_FUZZ_ITERATIONS=200000 PORT_FUZZ_SEED=7 dotnet test tests/Port.Sdk.Jq.Tests
/// --filter FuzzRoundTests</c> is a longer run.
/// </summary>
public sealed class FuzzRoundTests
{
    [Fact]
    public void FuzzRound_EveryCaseEndsInValueOrJqError()
    {
        var iterations = Environment.GetEnvironmentVariable("PORT_FUZZ_ITERATIONS") is { Length: > 0 } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : 600;
        var seed = Environment.GetEnvironmentVariable("PORT_FUZZ_SEED") is { Length: > 0 } configuredSeed ? configuredSeed : "20261201";
        var suite = Path.Combine(RepositoryPaths.Conformance, "jq", "jq.test");

        var (code, stdout, stderr) = ChildProcess.Run("Port.Sdk.Jq.FuzzRunner.dll", null, null, suite, seed, iterations.ToString(CultureInfo.InvariantCulture));

        Assert.True(code == 0, $"exit {code}\n{stdout[..Math.Min(stdout.Length, 20_000)]}\n{stderr[..Math.Min(stderr.Length, 20_000)]}");
        Assert.Matches($@"^ok {iterations} cases, \d+ compiled, \d+ limits reached$", stdout.Trim());
        var compiled = int.Parse(stdout.Split(' ')[3], CultureInfo.InvariantCulture);
        Assert.True(compiled > iterations / 4, $"Only {compiled} of {iterations} programs compiled: the generator is not exercising the interpreter.");
    }
}
