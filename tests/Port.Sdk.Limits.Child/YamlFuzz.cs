using System.Globalization;
using System.Text;
using Port.Sdk.Integrations;
using YamlDotNet.Core;

namespace Port.Sdk.Limits.Child;

/// <summary>
/// A seed-fixed fuzzing round over YAML configs: mutations of a real port-app-config, deep and wide shapes, alias
/// bombs. Each text goes through <see cref="PortYaml.Parse(string)"/> and <see cref="PortAppConfig.Parse"/>; only
/// their documented errors may come out.
/// </summary>
internal static class YamlFuzz
{
    private const string Config = """
        deleteDependentEntities: true
        resources:
          - kind: repository
            selector:
              query: .archived | not
            port:
              entity:
                mappings:
                  identifier: .name
                  title: .full_name
                  blueprint: '"service"'
                  properties:
                    stars: .stars
                    tags: '[.topics[] | ascii_downcase]'
                  relations:
                    owner:
                      combinator: '"and"'
                      rules:
                        - property: '"$team"'
                          operator: '"="'
                          value: .owner.login
          - kind: pull-request
            selector: { query: 'true' }
            port: { entity: { mappings: { identifier: '.id | tostring', blueprint: '"pr"' } } }
        """;

    private static readonly string[] Tokens = ["[", "]", "{", "}", ":", ",", "- ", "? ", "&a ", "*a", "&b ", "*b", "!!str ", "!!map ", "|", ">", "'", "\"", "#", "\n", "  ", "~", "<<: ", "---\n", "...\n", "%YAML 1.2\n", "\t", "\\", "\u00e9", "\ud83d\ude00", "0x1F", "1e400", ".inf", "null"];

    public static int Run(int seed, int count)
    {
        var random = new Random(seed);
        int yaml = 0, configs = 0;
        for (var i = 0; i < count; i++)
        {
            var text = Case(random, i);
            try
            {
                var (isYaml, isConfig) = Check(text);
                yaml += isYaml ? 1 : 0;
                configs += isConfig ? 1 : 0;
            }
            catch (Exception ex)
            {
                var sample = text.Length > 400 ? text[..400] + "…" : text;
                Console.Error.WriteLine($"yaml fuzz seed {seed} case {i}: {ex.GetType().Name}: {ex.Message}{Environment.NewLine}{sample}");
                return 1;
            }
        }

        Console.WriteLine($"yaml fuzz seed {seed}: {count} cases, {yaml} read as YAML, {configs} as configurations, every other one rejected with a position");
        return 0;
    }

    /// <summary>Which readers accepted the text; the others gave their documented error, with a position.</summary>
    private static (bool Yaml, bool Config) Check(string text)
    {
        bool yaml = true, config = true;
        try
        {
            PortYaml.Parse(text);
        }
        catch (YamlException ex) when (ex.Start.Line >= 1)
        {
            yaml = false;
        }

        try
        {
            PortAppConfig.Parse(text, "fuzz.yml");
        }
        catch (PortAppConfigException ex) when (ex.Errors.Count > 0 && ex.Errors.All(e => e.StartsWith("fuzz.yml:", StringComparison.Ordinal)))
        {
            config = false;
        }

        return (yaml, config);
    }

    private static string Case(Random random, int index) => (index % 6) switch
    {
        0 or 1 => Mutate(random, Config, 1 + random.Next(8)),
        2 => Deep(random),
        3 => Bomb(random),
        4 => Wide(random),
        _ => Mutate(random, Deep(random), 1 + random.Next(4)),
    };

    private static string Mutate(Random random, string text, int edits)
    {
        var builder = new StringBuilder(text);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(4))
            {
                case 0:
                    builder.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(Math.Min(at, builder.Length - 1), Math.Min(1 + random.Next(6), builder.Length - Math.Min(at, builder.Length - 1)));
                    break;
                case 2 when builder.Length > 0:
                    {
                        // Repeat a slice: deep and wide shapes out of the config's own structure.
                        var from = random.Next(builder.Length);
                        var length = Math.Min(1 + random.Next(40), builder.Length - from);
                        var slice = builder.ToString(from, length);
                        builder.Insert(at, string.Concat(Enumerable.Repeat(slice, 1 + random.Next(50))));
                        break;
                    }

                default:
                    builder.Insert(at, random.Next(3) switch { 0 => "[", 1 => "{a: ", _ => "- " });
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Deep(Random random)
    {
        var depth = random.Next(4) == 0 ? 100_000 : 10 + random.Next(2_000);
        return random.Next(5) switch
        {
            0 => new string('[', depth) + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth),
            2 => new string('[', depth),
            3 => string.Concat(Enumerable.Range(0, Math.Min(depth, 300)).Select(d => new string(' ', d) + "- \n")),
            _ => "resources:\n  - kind: k\n    selector: {query: 'true'}\n    port: {entity: {mappings: {identifier: .a, blueprint: '\"b\"', relations: {r: "
                + string.Concat(Enumerable.Repeat("{combinator: '\"and\"', rules: [", depth)) + new string(']', depth).Replace("]", "]}", StringComparison.Ordinal) + "}}}}\n",
        };
    }

    private static string Bomb(Random random)
    {
        var levels = 2 + random.Next(10);
        var width = 2 + random.Next(9);
        var text = new StringBuilder("a0: &a0 [\"lol\"]\n");
        for (var level = 1; level < levels; level++)
        {
            text.Append(CultureInfo.InvariantCulture, $"a{level}: &a{level} [").AppendJoin(", ", Enumerable.Repeat($"*a{level - 1}", width)).Append("]\n");
        }

        return random.Next(3) == 0 ? text.Append(CultureInfo.InvariantCulture, $"? *a{levels - 1}\n: x\n").ToString() : text.ToString();
    }

    private static string Wide(Random random)
    {
        var count = 1_000 + random.Next(20_000);
        return random.Next(2) == 0
            ? "[" + string.Join(",", Enumerable.Range(0, count)) + "]"
            : string.Concat(Enumerable.Range(0, count).Select(i => $"k{i}: v\n"));
    }
}
