using System.Globalization;
using Port.Sdk.Jq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Port.Sdk.Integrations;

/// <summary>Reads <c>port-app-config.yml</c> with node positions, compiling every expression and collecting every error.</summary>
internal sealed partial class PortAppConfigReader
{
    private readonly string _source;
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    private static readonly string[] RootKeys = ["resources", "deleteDependentEntities", "createMissingRelatedEntities", "enableMergeEntity", "entityDeletionThreshold"];
    private static readonly string[] ResourceKeys = ["kind", "selector", "port", "enableDelete"];
    private static readonly string[] PortKeys = ["entity", "itemsToParse", "itemsToParseName", "itemsToParseTopLevelTransform"];
    private static readonly string[] MappingKeys = ["identifier", "title", "blueprint", "team", "icon", "properties", "relations"];

    private PortAppConfigReader(string source) => _source = source;

    public static PortAppConfig Read(string text, string source)
    {
        var reader = new PortAppConfigReader(source);
        YamlStream stream;
        try
        {
            stream = PortYaml.Load(text);
        }
        catch (YamlException ex)
        {
            throw new PortAppConfigException([$"{source}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML: {ex.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PortAppConfigException([$"{source}:1:1: the configuration must be a mapping with 'resources'"]);
        }

        var config = reader.ReadRoot(root);
        if (reader._errors.Count > 0)
        {
            throw new PortAppConfigException(reader._errors);
        }

        return config!;
    }

    private string At(YamlNode node) => $"{_source}:{node.Start.Line}:{node.Start.Column}";

    /// <summary>A mapping key as a string; a complex key (a sequence or mapping used as a key) is an error.</summary>
    private string? Key(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode { Value: { } key })
        {
            return key;
        }

        Error(keyNode, path, "a key must be a plain string, not a sequence or mapping");
        return null;
    }

    /// <summary>An unknown key close to a known one is a misspelling: an error with a suggestion. Returns whether it was one.</summary>
    private bool NearMiss(YamlNode keyNode, string path, string key, IReadOnlyList<string> known)
    {
        var suggestion = DidYouMean(key, known);
        if (suggestion.Length == 0)
        {
            return false;
        }

        Error(keyNode, path, $"unknown key{suggestion}");
        return true;
    }

    /// <summary>An unknown key where Ocean ignores it: a warning (or, when it is a near miss, an error).</summary>
    private void Ignored(YamlNode keyNode, string path, string key, IReadOnlyList<string> known)
    {
        if (!NearMiss(keyNode, path, key, known))
        {
            _warnings.Add($"{At(keyNode)}: {path}: unknown key, ignored as Ocean ignores it; expected {string.Join(", ", known)}");
        }
    }

    private static string DidYouMean(string key, IReadOnlyList<string> known)
    {
        var best = known
            .Select(k => (Key: k, Distance: EditDistance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= Math.Max(1, k.Key.Length / 4))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Key is null ? string.Empty : $"; did you mean '{best.Key}'?";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private void Error(YamlNode node, string path, string problem) => _errors.Add($"{At(node)}: {path}: {problem}");

    private PortAppConfig? ReadRoot(YamlMappingNode root)
    {
        var resources = new List<ResourceConfig>();
        bool deleteDependents = false, createMissing = true, merge = true;
        var threshold = 0.9;
        var settings = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            if (Key(keyNode, string.Empty) is not { } key)
            {
                continue;
            }

            switch (key)
            {
                case "resources" when value is YamlSequenceNode sequence:
                    var index = 0;
                    foreach (var item in sequence)
                    {
                        if (ReadResource(item, $"resources[{index++}]") is { } resource)
                        {
                            resources.Add(resource);
                        }
                    }

                    break;
                case "resources":
                    Error(value, "resources", "must be a list of resources");
                    break;
                case "deleteDependentEntities":
                    deleteDependents = ReadBoolean(value, key);
                    break;
                case "createMissingRelatedEntities":
                    createMissing = ReadBoolean(value, key);
                    break;
                case "enableMergeEntity":
                    merge = ReadBoolean(value, key);
                    break;
                case "entityDeletionThreshold":
                    if (value is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 1)
                    {
                        threshold = number;
                    }
                    else
                    {
                        Error(value, key, $"must be a number from 0 to 1, was '{(value as YamlScalarNode)?.Value}'");
                    }

                    break;
                default:
                    // Integrations add top-level settings of their own (GitHub's repositoryType): they are handed to it.
                    if (!NearMiss(keyNode, key, key, RootKeys))
                    {
                        settings[key] = PortYaml.ToJson(value);
                    }

                    break;
            }
        }

        return new PortAppConfig(_source, resources)
        {
            Settings = settings,
            Warnings = _warnings,
            DeleteDependentEntities = deleteDependents,
            CreateMissingRelatedEntities = createMissing,
            EnableMergeEntity = merge,
            EntityDeletionThreshold = threshold,
        };
    }

    private bool ReadBoolean(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: "true" or "True" })
        {
            return true;
        }

        if (node is YamlScalarNode { Value: "false" or "False" })
        {
            return false;
        }

        Error(node, path, $"must be true or false, was '{(node as YamlScalarNode)?.Value}'");
        return false;
    }

    private ResourceConfig? ReadResource(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must be a mapping with 'kind', 'selector' and 'port'");
            return null;
        }

        string? kind = null;
        MappingExpression? selector = null;
        MappingExpression? itemsToParse = null;
        List<EntityMapping>? mappings = null;
        var enableDelete = true;
        string itemsToParseName = "item";
        var topLevelTransform = true;
        var selectorSettings = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        var settings = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (Key(keyNode, path) is not { } key)
            {
                continue;
            }

            switch (key)
            {
                case "kind":
                    kind = value is YamlScalarNode { Value: { Length: > 0 } k } ? k : null;
                    if (kind is null)
                    {
                        Error(value, $"{path}.kind", "must be the name of a kind, such as repository");
                    }

                    break;
                case "selector" when value is YamlMappingNode selectorMap:
                    // Integrations add selector options of their own (GitHub's 'files', say); only 'query' is the runtime's.
                    foreach (var (selectorKey, selectorValue) in selectorMap.Children)
                    {
                        if (Key(selectorKey, $"{path}.selector") is not { } name)
                        {
                            continue;
                        }

                        if (name == "query")
                        {
                            selector = Expression(selectorValue, $"{path}.selector.query");
                        }
                        else if (!NearMiss(selectorKey, $"{path}.selector.{name}", name, ["query"]))
                        {
                            selectorSettings[name] = PortYaml.ToJson(selectorValue);
                        }
                    }

                    break;
                case "port" when value is YamlMappingNode portMap:
                    foreach (var (portKey, portValue) in portMap.Children)
                    {
                        if (Key(portKey, $"{path}.port") is not { } name)
                        {
                            continue;
                        }

                        switch (name)
                        {
                            case "itemsToParse":
                                itemsToParse = Expression(portValue, $"{path}.port.itemsToParse");
                                break;
                            case "itemsToParseName" when portValue is YamlScalarNode { Value: { Length: > 0 } itemName }:
                                itemsToParseName = itemName;
                                break;
                            case "itemsToParseName":
                                Error(portValue, $"{path}.port.itemsToParseName", "must be the name of a key, such as item");
                                break;
                            case "itemsToParseTopLevelTransform":
                                topLevelTransform = ReadBoolean(portValue, $"{path}.port.itemsToParseTopLevelTransform");
                                break;
                            case "entity" when portValue is YamlMappingNode entity:
                                foreach (var (entityKey, entityValue) in entity.Children)
                                {
                                    if (Key(entityKey, $"{path}.port.entity") is not { } entityName)
                                    {
                                        continue;
                                    }

                                    if (entityName == "mappings")
                                    {
                                        mappings = ReadMappings(entityValue, $"{path}.port.entity.mappings");
                                    }
                                    else
                                    {
                                        Ignored(entityKey, $"{path}.port.entity.{entityName}", entityName, ["mappings"]);
                                    }
                                }

                                if (mappings is null)
                                {
                                    Error(portValue, $"{path}.port.entity", "must be a mapping with 'mappings'");
                                }

                                break;
                            case "entity":
                                Error(portValue, $"{path}.port.entity", "must be a mapping with 'mappings'");
                                break;
                            default:
                                Ignored(portKey, $"{path}.port.{name}", name, PortKeys);
                                break;
                        }
                    }

                    break;
                case "enableDelete" or "deletionEnabled":
                    enableDelete = ReadBoolean(value, $"{path}.{key}");
                    break;
                case "selector" or "port":
                    Error(value, $"{path}.{key}", "must be a mapping");
                    break;
                default:
                    if (!NearMiss(keyNode, $"{path}.{key}", key, ResourceKeys))
                    {
                        settings[key] = PortYaml.ToJson(value);
                    }

                    break;
            }
        }

        if (kind is null && !map.Children.ContainsKey(new YamlScalarNode("kind")))
        {
            Error(map, path, "'kind' is missing");
        }

        if (selector is null && !map.Children.ContainsKey(new YamlScalarNode("selector")))
        {
            Error(map, path, "'selector.query' is missing");
        }

        if (mappings is null && !map.Children.ContainsKey(new YamlScalarNode("port")))
        {
            Error(map, path, "'port.entity.mappings' is missing");
        }

        return kind is null || selector is null || mappings is null
            ? null
            : new ResourceConfig
            {
                Kind = kind,
                Selector = selector,
                ItemsToParse = itemsToParse,
                ItemsToParseName = itemsToParseName,
                ItemsToParseTopLevelTransform = topLevelTransform,
                ItemsToParseDeletion = itemsToParse is null ? null : OceanJq.ItemsToParseDeletion(itemsToParse.Expression),
                Mappings = mappings,
                EnableDelete = enableDelete,
                SelectorSettings = selectorSettings,
                Settings = settings,
            };
    }

    private List<EntityMapping> ReadMappings(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            return [.. sequence.Select((item, i) => ReadMapping(item, $"{path}[{i}]")).OfType<EntityMapping>()];
        }

        return ReadMapping(node, path) is { } single ? [single] : [];
    }

    private EntityMapping? ReadMapping(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must be a mapping with identifier, blueprint, properties and relations");
            return null;
        }

        MappingExpression? identifier = null, blueprint = null, title = null, icon = null;
        RelationMapping? team = null;
        var properties = new Dictionary<string, MappingExpression>(StringComparer.Ordinal);
        var relations = new Dictionary<string, RelationMapping>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (Key(keyNode, path) is not { } key)
            {
                continue;
            }

            switch (key)
            {
                case "identifier":
                    identifier = Expression(value, $"{path}.identifier");
                    break;
                case "blueprint":
                    blueprint = Expression(value, $"{path}.blueprint");
                    break;
                case "title":
                    title = Expression(value, $"{path}.title");
                    break;
                case "icon":
                    icon = Expression(value, $"{path}.icon");
                    break;
                case "team":
                    team = Relation(value, $"{path}.team");
                    break;
                case "properties" when value is YamlMappingNode propertiesMap:
                    foreach (var (name, expression) in propertiesMap.Children)
                    {
                        if (Key(name, $"{path}.properties") is not { } propertyName)
                        {
                            continue;
                        }

                        if (Expression(expression, $"{path}.properties.{propertyName}") is { } compiled)
                        {
                            properties[propertyName] = compiled;
                        }
                    }

                    break;
                case "relations" when value is YamlMappingNode relationsMap:
                    foreach (var (name, relation) in relationsMap.Children)
                    {
                        if (Key(name, $"{path}.relations") is not { } relationName)
                        {
                            continue;
                        }

                        if (Relation(relation, $"{path}.relations.{relationName}") is { } compiled)
                        {
                            relations[relationName] = compiled;
                        }
                    }

                    break;
                case "properties" or "relations":
                    Error(value, $"{path}.{key}", "must be a mapping of names to jq expressions");
                    break;
                default:
                    Ignored(keyNode, $"{path}.{key}", key, MappingKeys);
                    break;
            }
        }

        if (identifier is null && !map.Children.ContainsKey(new YamlScalarNode("identifier")))
        {
            Error(map, path, "'identifier' is missing");
        }

        if (blueprint is null && !map.Children.ContainsKey(new YamlScalarNode("blueprint")))
        {
            Error(map, path, "'blueprint' is missing");
        }

        return identifier is null || blueprint is null
            ? null
            : new EntityMapping { Identifier = identifier, Blueprint = blueprint, Title = title, Icon = icon, Team = team, Properties = properties, Relations = relations };
    }

    private RelationMapping? Relation(YamlNode node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return Query(map, path) is { } query ? new RelationMapping { Query = query } : null;
        }

        return Expression(node, path) is { } expression ? new RelationMapping { Value = expression } : null;
    }

    private QueryMapping? Query(YamlMappingNode map, string path)
    {
        MappingExpression? combinator = null;
        var rules = new List<object>();
        var valid = true;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Key(keyNode, path);
            if (key is null)
            {
                valid = false;
                continue;
            }

            switch (key)
            {
                case "combinator":
                    combinator = Expression(value, $"{path}.combinator");
                    break;
                case "rules" when value is YamlSequenceNode sequence:
                    var index = 0;
                    foreach (var rule in sequence)
                    {
                        var rulePath = $"{path}.rules[{index++}]";
                        if (rule is YamlMappingNode ruleMap && ruleMap.Children.ContainsKey(new YamlScalarNode("combinator")))
                        {
                            if (Query(ruleMap, rulePath) is { } nested)
                            {
                                rules.Add(nested);
                            }
                        }
                        else if (rule is YamlMappingNode propertyRule)
                        {
                            MappingExpression? property = null, op = null, operand = null;
                            foreach (var (ruleKey, ruleValue) in propertyRule.Children)
                            {
                                switch (Key(ruleKey, rulePath))
                                {
                                    case null: valid = false; break;
                                    case "property": property = Expression(ruleValue, $"{rulePath}.property"); break;
                                    case "operator": op = Expression(ruleValue, $"{rulePath}.operator"); break;
                                    case "value": operand = Expression(ruleValue, $"{rulePath}.value"); break;
                                    default: Error(ruleKey, $"{rulePath}.{((YamlScalarNode)ruleKey).Value}", $"unknown key{DidYouMean(((YamlScalarNode)ruleKey).Value!, ["property", "operator", "value"])}; expected property, operator and value"); break;
                                }
                            }

                            if (property is null || op is null)
                            {
                                Error(rule, rulePath, "a rule needs 'property' and 'operator' (jq expressions)");
                                valid = false;
                                continue;
                            }

                            rules.Add(new RuleMapping { Property = property, Operator = op, Value = operand });
                        }
                        else
                        {
                            Error(rule, rulePath, "a rule must be a mapping");
                            valid = false;
                        }
                    }

                    break;
                default:
                    Error(keyNode, $"{path}.{key}", "unknown key; a search query has 'combinator' and 'rules'");
                    valid = false;
                    break;
            }
        }

        if (combinator is null)
        {
            Error(map, path, "a search query needs 'combinator' (a jq expression such as '\"and\"') and 'rules'");
            return null;
        }

        return valid ? new QueryMapping { Combinator = combinator, Rules = rules } : null;
    }

    private MappingExpression? Expression(YamlNode node, string path)
    {
        if (node is not YamlScalarNode { Value: { } text } scalar)
        {
            Error(node, path, "must be a jq expression (a string)");
            return null;
        }

        // Ocean turns single-quoted jq strings ('' or 'main') into double-quoted ones before compiling: so do we.
        if (JqFilter.TryCompile(OceanJq.FormatQuotes(text), out var filter, out var error))
        {
            return new MappingExpression { Expression = text, Filter = filter, Location = At(node), Path = path };
        }

        // Integrations define patterns of their own (GitLab's file://README.md): not jq, resolved by the integration.
        if (IntegrationPattern().Match(text) is { Success: true } pattern)
        {
            _warnings.Add($"{At(node)}: {path}: '{text}' is an integration pattern ({pattern.Groups[1].Value}://), not jq: the integration resolves it, or the field is null");
            return new MappingExpression { Expression = text, Filter = JqFilter.Compile("null"), Location = At(node), Path = path, Scheme = pattern.Groups[1].Value };
        }

        // Point at the spot in the file: on a one-line scalar, the jq column lands inside the YAML line.
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
        var where = error.Line == 1
            ? $"{_source}:{node.Start.Line}:{node.Start.Column + quoted + error.Column - 1}"
            : $"{_source}:{node.Start.Line + error.Line - 1}:{error.Column}";
        _errors.Add($"{where}: {path}: the jq expression '{text}' does not compile: {error.Reason} (jq line {error.Line}, column {error.Column})");
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*)://", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IntegrationPattern();
}
