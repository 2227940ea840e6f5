using System.Text.Json;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.JsonSchema.Tests.Conformance;

/// <summary>One case of the JSON Schema Test Suite: a schema, an instance and the expected verdict.</summary>
public sealed record SuiteCase(string File, string Group, string Description, JsonElement Schema, JsonElement Data, bool Valid)
{
    public string Id => $"{File} | {Group} | {Description}";
}

/// <summary>Reads the draft 2020-12 suite from <c>../shared/conformance/json-schema-test-suite</c> at run time.</summary>
public static class TestSuite
{
    public static string Directory { get; } = Path.Combine(RepositoryPaths.Conformance, "json-schema-test-suite");

    public static IReadOnlyList<SuiteCase> Load(string relativeFolder)
    {
        var folder = Path.Combine(Directory, relativeFolder);
        var cases = new List<SuiteCase>();
        foreach (var path in System.IO.Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(Directory, path).Replace('\\', '/');
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var group in document.RootElement.EnumerateArray())
            {
                foreach (var test in group.GetProperty("tests").EnumerateArray())
                {
                    cases.Add(new SuiteCase(
                        file,
                        group.GetProperty("description").GetString()!,
                        test.GetProperty("description").GetString()!,
                        group.GetProperty("schema").Clone(),
                        test.GetProperty("data").Clone(),
                        test.GetProperty("valid").GetBoolean()));
                }
            }
        }

        return cases;
    }

    /// <summary>The suite's remote documents, registered under <c>http://localhost:1234/</c> as the suite expects.</summary>
    public static JsonSchemaRegistry Remotes { get; } = LoadRemotes();

    private static JsonSchemaRegistry LoadRemotes()
    {
        var registry = new JsonSchemaRegistry();
        var remotes = Path.Combine(Directory, "remotes");
        foreach (var path in System.IO.Directory.GetFiles(remotes, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(remotes, path).Replace('\\', '/');
            registry.Add(new Uri("http://localhost:1234/" + relative), File.ReadAllText(path));
        }

        return registry;
    }

    /// <summary>Runs one case; a schema the validator rejects counts as a failure with the exception's message.</summary>
    public static (bool Passed, string? Reason) Run(SuiteCase suiteCase, bool formatAssertion)
    {
        try
        {
            var schema = JsonSchema.FromElement(suiteCase.Schema, new JsonSchemaOptions { Registry = Remotes, FormatAssertion = formatAssertion });
            var result = schema.Validate(suiteCase.Data);
            if (result.IsValid == suiteCase.Valid)
            {
                return (true, null);
            }

            return (false, suiteCase.Valid ? "rejected a valid instance: " + result : "accepted an invalid instance");
        }
        catch (JsonSchemaException ex)
        {
            return (false, "schema rejected: " + ex.Message);
        }
    }

    public static IReadOnlyDictionary<string, string> KnownFailures(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", fileName);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // Format: file | group | description  =>  reason
            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            result[line[..arrow].Trim()] = line[(arrow + 2)..].Trim();
        }

        return result;
    }
}
