using BenchmarkDotNet.Attributes;
using Port.Sdk.Jq;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// In-process cost of the jq engine on the Port-style mapping of benchmarks/jq/map.jq over one GitHub-repository
/// object: compiling it, running it on a parsed object, and parsing plus running from UTF-8 bytes or a JsonElement,
/// each with the whole object and with only the paths the mapping reads (JqFilter.InputProjection).
/// </summary>
[MemoryDiagnoser]
public class JqBenchmark
{
    public const string Mapping = """
        select(.archived | not)
        | {
            identifier: .name,
            title: (.full_name // .name),
            blueprint: "service",
            properties: {
              url: .html_url,
              description: (.description // ""),
              language: (.language // "unknown"),
              stars: .stargazers_count,
              topics: (.topics | map(ascii_downcase)),
              owner: ("team-" + .owner.login),
              visibility: .visibility,
              license: (.license.spdx_id // null)
            },
            relations: {organization: .owner.login}
          }
        """;

    public const string Repository = """
        {"id":100000007,"node_id":"R_kgDO7","name":"payments-api-7","full_name":"acme/payments-api-7","private":false,"owner":{"login":"acme","id":424242,"node_id":"O_kgDOAGd1Ug","type":"Organization","site_admin":false},"html_url":"https://github.com/acme/payments-api-7","description":"The payments-api-7 service","fork":false,"url":"https://api.github.com/repos/acme/payments-api-7","created_at":"2021-03-04T09:15:00Z","updated_at":"2026-11-20T17:42:11Z","pushed_at":"2026-11-21T08:01:59Z","homepage":null,"size":259,"stargazers_count":7,"watchers_count":7,"language":"TypeScript","forks_count":7,"open_issues_count":7,"license":{"key":"mit","name":"MIT License","spdx_id":"MIT"},"topics":["payments","pci","dotnet"],"visibility":"public","default_branch":"main","archived":false,"disabled":false}
        """;

    private JqFilter _filter = null!;
    private JqInputProjection _projection = null!;
    private JqValue _input;
    private JqValue _projectedInput;
    private byte[] _utf8 = [];
    private System.Text.Json.JsonDocument _document = null!;

    [GlobalSetup]
    public void Setup()
    {
        _filter = JqFilter.Compile(Mapping);
        _projection = _filter.InputProjection;
        _input = JqValue.Parse(Repository);
        _utf8 = System.Text.Encoding.UTF8.GetBytes(Repository);
        _projectedInput = _projection.Parse(_utf8);
        _document = System.Text.Json.JsonDocument.Parse(Repository);
    }

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    [Benchmark(Description = "compile the mapping")]
    public JqFilter Compile() => JqFilter.Compile(Mapping);

    [Benchmark(Description = "compile and analyse the paths read")]
    public JqInputProjection CompileAndProject() => JqFilter.Compile(Mapping).InputProjection;

    [Benchmark(Description = "run on a parsed object")]
    public JqValue? Evaluate() => _filter.First(_input);

    [Benchmark(Description = "run on a projected object")]
    public JqValue? EvaluateProjected() => _filter.First(_projectedInput);

    [Benchmark(Baseline = true, Description = "parse UTF-8 and run")]
    public JqValue? ParseAndEvaluate() => _filter.First(JqValue.Parse(_utf8));

    [Benchmark(Description = "projected parse of UTF-8 and run")]
    public JqValue? ProjectAndEvaluate() => _filter.First(_projection.Parse(_utf8));

    [Benchmark(Description = "JsonElement: convert and run")]
    public JqValue? ConvertAndEvaluate() => _filter.First(JqValue.FromJsonElement(_document.RootElement));

    [Benchmark(Description = "JsonElement: projected convert and run")]
    public JqValue? ProjectElementAndEvaluate() => _filter.First(_projection.Convert(_document.RootElement));
}
