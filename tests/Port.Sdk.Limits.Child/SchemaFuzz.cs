using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.JsonSchema;

namespace Port.Sdk.Limits.Child;

/// <summary>
/// A seed-fixed fuzzing round over JSON Schemas and JSON documents: the JSON Schema Test Suite's cases (read from
/// the conformance folder at run time), mutated, fanned out, deepened and widened. Compiling may only throw
/// <see cref="JsonSchemaException"/>; validating may throw nothing.
/// </summary>
internal static class SchemaFuzz
{
    private static readonly string[] Keywords = ["allOf", "anyOf", "oneOf", "not", "items", "prefixItems", "contains", "properties", "patternProperties", "additionalProperties", "uniqueItems", "enum", "const", "pattern", "$ref", "unevaluatedItems", "unevaluatedProperties", "if", "then", "else", "dependentSchemas", "propertyNames", "minContains", "maxContains", "$defs", "$dynamicRef", "$dynamicAnchor", "format", "multipleOf", "required"];

    /// <summary>Short regex limits keep the round quick; the budgets are the defaults.</summary>
    private static readonly JsonSchemaOptions Options = new() { RegexTimeout = TimeSpan.FromMilliseconds(20), MaxRegexTime = TimeSpan.FromMilliseconds(100) };

    public static int Run(int seed, int count, string conformance)
    {
        var cases = new List<(JsonNode? Schema, JsonNode? Data)>();
        foreach (var file in Directory.EnumerateFiles(conformance, "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var group in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
            {
                foreach (var test in group!["tests"]!.AsArray())
                {
                    cases.Add((group["schema"], test!["data"]));
                }
            }
        }

        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"No JSON Schema Test Suite cases in '{conformance}'.");
            return 2;
        }

        var trace = Environment.GetEnvironmentVariable("PORT_SDK_FUZZ_TRACE") is { Length: > 0 };
        var random = new Random(seed);
        int valid = 0, invalid = 0, limited = 0, malformed = 0;
        for (var i = 0; i < count; i++)
        {
            var (schemaNode, dataNode) = cases[random.Next(cases.Count)];
            var schemaText = Mutate(random, schemaNode?.DeepClone(), 0)?.ToJsonString() ?? "true";
            var dataText = Data(random, dataNode);
            if (trace)
            {
                Console.Error.WriteLine($"case {i}: schema {Sample(schemaText)}{Environment.NewLine}data {Sample(dataText)}");
            }

            try
            {
                JsonSchema.JsonSchema schema;
                try
                {
                    schema = JsonSchema.JsonSchema.Parse(schemaText, Options);
                    Trace(trace, $"compiled; data is {dataText.Length} characters");
                }
                catch (JsonSchemaException)
                {
                    malformed++;
                    continue;
                }

                using var document = JsonDocument.Parse(dataText, new JsonDocumentOptions { MaxDepth = 200_000 });
                Trace(trace, "compiled and parsed");
                var result = schema.Validate(document.RootElement);
                Trace(trace, "validated");
                var timed = result.ExceededLimit != ValidationLimit.None || result.Errors.Any(e => e.Message.Contains("(RegexTimeout)", StringComparison.Ordinal));
                if (!timed && schema.IsValid(document.RootElement) != result.IsValid)
                {
                    // IsValid reports a regex timeout as plain "invalid", so on a loaded machine one of the two can time
                    // out where the other did not. A real disagreement is deterministic: it repeats on a second try.
                    var again = schema.Validate(document.RootElement);
                    var timedAgain = again.ExceededLimit != ValidationLimit.None || again.Errors.Any(e => e.Message.Contains("(RegexTimeout)", StringComparison.Ordinal));
                    if (!timedAgain && schema.IsValid(document.RootElement) != again.IsValid)
                    {
                        throw new InvalidOperationException("IsValid and Validate disagree.");
                    }
                }

                valid += result.IsValid ? 1 : 0;
                invalid += result.IsValid || result.ExceededLimit != ValidationLimit.None ? 0 : 1;
                limited += result.ExceededLimit != ValidationLimit.None ? 1 : 0;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"schema fuzz seed {seed} case {i}: {ex.GetType().Name}: {ex.Message}{Environment.NewLine}schema: {Sample(schemaText)}{Environment.NewLine}data: {Sample(dataText)}");
                return 1;
            }
        }

        Console.WriteLine($"schema fuzz seed {seed}: {count} cases, {valid} valid, {invalid} invalid, {limited} stopped by a limit, {malformed} schemas rejected");
        return 0;
    }

    private static void Trace(bool trace, string what)
    {
        if (trace)
        {
            Console.Error.WriteLine(what);
        }
    }

    private static string Sample(string text) => text.Length > 400 ? text[..400] + "…" : text;

    private static JsonNode? Mutate(Random random, JsonNode? node, int depth)
    {
        if (depth > 6 || random.Next(3) == 0)
        {
            return node;
        }

        switch (random.Next(6))
        {
            case 0 when depth < 3:
                {
                    // Fan out: the same subschema under an applicator, a few times and nested (the generated schema
                    // stays small; the self-referencing fan-out below is the one whose evaluation explodes).
                    var applicator = random.Next(3) switch { 0 => "allOf", 1 => "anyOf", _ => "oneOf" };
                    var fan = new JsonArray();
                    for (var i = 0; i < 2 + random.Next(2); i++)
                    {
                        fan.Add(Mutate(random, node?.DeepClone(), depth + 1));
                    }

                    return new JsonObject { [applicator] = fan };
                }

            case 1 when depth < 2:
                {
                    // A self-referencing fan-out: 2^levels evaluations unless the budget stops them.
                    var defs = new JsonObject { ["d0"] = node?.DeepClone() ?? true };
                    var levels = 5 + random.Next(40);
                    for (var i = 1; i <= levels; i++)
                    {
                        defs[$"d{i}"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/$defs/d{i - 1}" }, new JsonObject { ["not"] = new JsonObject { ["$ref"] = $"#/$defs/d{i - 1}" } }) };
                    }

                    return new JsonObject { ["$defs"] = defs, ["$ref"] = $"#/$defs/d{levels}" };
                }

            case 2 when node is JsonObject obj:
                {
                    obj[Keywords[random.Next(Keywords.Length)]] = Value(random, depth);
                    return obj;
                }

            case 3 when node is JsonObject obj && obj.Count > 0:
                {
                    var key = obj.ElementAt(random.Next(obj.Count)).Key;
                    obj[key] = Mutate(random, obj[key]?.DeepClone(), depth + 1);
                    return obj;
                }

            case 4:
                return new JsonObject { ["items"] = Mutate(random, node, depth + 1), ["uniqueItems"] = true };
            default:
                return Value(random, depth);
        }
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(9) switch
    {
        0 => true,
        1 => false,
        2 => JsonValue.Create(random.Next(-3, 10)),
        3 => JsonValue.Create("^(\\w+\\s?)*$"),
        4 => new JsonObject { ["type"] = "string" },
        5 => new JsonArray(JsonValue.Create(1), JsonValue.Create(1.0), new JsonObject()),
        6 => new JsonObject { ["$ref"] = "#" },
        7 when depth < 6 => new JsonObject { [Keywords[random.Next(Keywords.Length)]] = Value(random, depth + 1) },
        _ => null,
    };

    private static string Data(Random random, JsonNode? data)
    {
        var text = data?.ToJsonString() ?? "null";
        switch (random.Next(6))
        {
            case 0:
                {
                    // Far past MaxDepth; not 100,000, which System.Text.Json itself takes seconds to parse.
                    var depth = 1 + random.Next(10_000);
                    return new StringBuilder().Insert(0, "[", depth).Append(text).Append(']', depth).ToString();
                }

            case 1:
                {
                    // Wide: many copies (equal ones, for uniqueItems), or many distinct numbers written two ways.
                    var count = 1_000 + random.Next(20_000);
                    return random.Next(2) == 0
                        ? "[" + string.Join(",", Enumerable.Repeat(text, count)) + "]"
                        : "[" + string.Join(",", Enumerable.Range(0, count).Select(i => i % 2 == 0 ? $"{i}" : $"{i}.0e0")) + "]";
                }

            case 2:
                return "{" + string.Join(",", Enumerable.Range(0, 1 + random.Next(2_000)).Select(i => $"\"{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"[..(i % 33)]}{i}\":{text}")) + "}";
            case 3:
                return "[" + string.Join(",", Enumerable.Range(0, 1 + random.Next(200)).Select(_ => "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"")) + "]";
            default:
                return text;
        }
    }
}
