using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Port.Sdk.Jq.Tests;

/// <summary>
/// Generated Port-style mapping programs over generated GitHub-repository objects, run by this engine, by jq 1.6
/// (<c>/usr/bin/jq</c>) and by gojq: where the two reference implementations agree, this engine must agree with them.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private static readonly string[] Properties =
    [
        "language: (.language // \"unknown\")",
        "topicCount: (.topics | length)",
        "topics: (.topics | map(ascii_upcase))",
        "owner: .owner.login",
        "url: (\"https://github.com/\" + .full_name)",
        "double: (.stargazers_count * 2)",
        "description: (.description // \"\" | ascii_downcase)",
        "license: (.license.key // null)",
        "state: (if .archived then \"archived\" else \"active\" end)",
        "joined: (.topics | join(\",\"))",
        "big: (.size > 1000)",
        "aTopics: [.topics[] | select(startswith(\"a\"))]",
        "isOrg: (.owner.type == \"Organization\")",
        "isApi: (.name | test(\"api\"))",
        "year: (.created_at | split(\"-\")[0])",
        "keyCount: (keys | length)",
        "short: (.name | ltrimstr(\"svc-\"))",
        "idText: (.id | tostring)",
        "mod: (.stargazers_count % 7)",
        "sorted: (.topics | sort)",
        "unique: (.topics | unique | length)",
        "upper: (.name | ascii_upcase)",
        "descriptionType: (.description | type)",
        "slug: ([.owner.login, .name] | join(\"/\"))",
        "first: (.topics | first)",
        "hasLicense: has(\"license\")",
        "entries: (.owner | to_entries | map(.key))",
        "score: ((.stargazers_count + .forks_count) / 2 | floor)",
        "label: (.visibility + \"-\" + (.size | tostring))",
        "tags: (.topics | map({name: ., length: length}))",
    ];

    private static readonly string[] Prefixes =
    [
        "",
        "select(.archived | not) | ",
        "select(.stargazers_count > 10) | ",
        "select(.language != null) | ",
        "select(.topics | length > 1) | ",
    ];

    [Fact]
    public void GeneratedMappings_AgreeWithJqAndGojq()
    {
        // jq is on every machine this project targets; gojq is installed by .ci/run. Without gojq (a bare
        // 'dotnet test' on a fresh machine) the engine is compared with jq alone, and the output says so.
        var jq = FindTool("jq") ?? throw new InvalidOperationException("jq is not installed.");
        var gojq = FindTool("gojq");
        if (gojq is null)
        {
            output.WriteLine("gojq is not installed (apt-get install gojq): comparing with jq 1.6 only.");
        }
        var random = new Random(42);
        var inputPath = Path.Combine(Path.GetTempPath(), $"port-sdk-diff-{Environment.ProcessId}.jsonl");
        File.WriteAllLines(inputPath, Enumerable.Range(0, 40).Select(i => Repository(random, i)));
        try
        {
            var inputs = JqValue.ParseMany(File.ReadAllBytes(inputPath)).ToList();
            var compared = 0;
            var referencesDisagree = 0;
            var mismatches = new List<string>();
            for (var i = 0; i < 60; i++)
            {
                var program = Program(random);
                var fromJq = RunTool(jq, program, inputPath);
                var fromGojq = gojq is null ? fromJq : RunTool(gojq, program, inputPath);
                if (!Same(fromJq, fromGojq))
                {
                    referencesDisagree++;
                    output.WriteLine($"jq and gojq disagree, skipped: {program}");
                    continue;
                }

                var filter = JqFilter.Compile(program);
                var ours = new List<JqValue>();
                string? error = null;
                try
                {
                    foreach (var input in inputs)
                    {
                        ours.AddRange(filter.Run(input));
                    }
                }
                catch (JqException ex)
                {
                    error = ex.Message;
                }

                compared++;
                if (error is not null || !Same(ours, fromJq))
                {
                    mismatches.Add($"{program}: ours {(error ?? $"{ours.Count} outputs")}, jq {fromJq.Count} outputs");
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{compared} programs compared over {inputs.Count} inputs; {referencesDisagree} skipped where jq and gojq disagree."));
            Assert.True(compared >= 50, $"Only {compared} of 60 programs could be compared.");
            Assert.Empty(mismatches);
        }
        finally
        {
            File.Delete(inputPath);
        }
    }

    private static string Program(Random random)
    {
        var count = random.Next(2, 7);
        var chosen = Properties.OrderBy(_ => random.Next()).Take(count);
        return Prefixes[random.Next(Prefixes.Length)]
            + "{identifier: .name, title: (.full_name // .name), properties: {" + string.Join(", ", chosen) + "}}";
    }

    private static string Repository(Random random, int index)
    {
        string[] languages = ["C#", "Go", "Python", "TypeScript"];
        string[] topics = ["api", "auth", "go", "pci", "data", "alpha", "infra", "web"];
        var name = (random.Next(3) == 0 ? "svc-" : string.Empty) + (random.Next(2) == 0 ? "payments" : "catalog") + (random.Next(2) == 0 ? "-api" : "-worker") + index;
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $$"""{"id":{{1_000_000 + (index * 7919)}},"name":"{{name}}","full_name":"acme/{{name}}",""");
        builder.Append(random.Next(4) == 0 ? "\"language\":null," : $"\"language\":\"{languages[random.Next(languages.Length)]}\",");
        builder.Append("\"topics\":[").Append(string.Join(',', topics.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).Select(t => $"\"{t}\""))).Append("],");
        builder.Append(CultureInfo.InvariantCulture, $"\"archived\":{(random.Next(5) == 0 ? "true" : "false")},\"stargazers_count\":{random.Next(0, 50)},\"forks_count\":{random.Next(0, 9)},");
        builder.Append(CultureInfo.InvariantCulture, $"\"size\":{random.Next(0, 5000)},\"visibility\":\"{(random.Next(2) == 0 ? "public" : "private")}\",\"created_at\":\"20{random.Next(10, 26)}-0{random.Next(1, 9)}-1{random.Next(0, 9)}T10:00:00Z\",");
        builder.Append(random.Next(3) == 0 ? "\"description\":null," : $"\"description\":\"The {name} Service\",");
        if (random.Next(3) != 0)
        {
            builder.Append("\"license\":{\"key\":\"mit\",\"name\":\"MIT License\"},");
        }

        builder.Append(CultureInfo.InvariantCulture, $"\"owner\":{{\"login\":\"acme\",\"type\":\"{(random.Next(2) == 0 ? "Organization" : "User")}\"}}}}");
        return builder.ToString();
    }

    private static bool Same(IReadOnlyList<JqValue> a, IReadOnlyList<JqValue> b)
        => a.Count == b.Count && a.Zip(b).All(pair => JqValue.Compare(pair.First, pair.Second) == 0);

    private static List<JqValue> RunTool(string tool, string program, string inputPath)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(program);
        start.ArgumentList.Add(inputPath);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return [.. JqValue.ParseMany(Encoding.UTF8.GetBytes(stdout))];
    }

    private static string? FindTool(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
