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

var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
