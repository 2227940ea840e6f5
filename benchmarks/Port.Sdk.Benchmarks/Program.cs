using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using Port.Sdk.Benchmarks;

if (args is ["resync-scaling"])
{
    ResyncScaling.Run();
    return;
}

if (args is ["github-resync"])
{
    GitHubOrganizationResync.Run();
    return;
}

if (args is ["stale-deletion", ..])
{
    var repositories = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50_000;
    var stalePercent = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
    StaleDeletion.Run(repositories, stalePercent);
    return;
}

var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
