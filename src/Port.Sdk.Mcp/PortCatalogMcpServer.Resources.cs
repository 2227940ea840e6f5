using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Port.Sdk.Mcp;

/// <summary>
/// Blueprints and entities as resources: <c>port://blueprints/{blueprint}</c> and <c>port://entities/{blueprint}/{identifier}</c>
/// (identifiers percent-encoded), the blueprints listed, both as templates, and completions of template and prompt arguments.
/// </summary>
public sealed partial class PortCatalogMcpServer
{
    /// <summary>The URI template of a blueprint resource.</summary>
    public const string BlueprintUriTemplate = "port://blueprints/{blueprint}";

    /// <summary>The URI template of an entity resource.</summary>
    public const string EntityUriTemplate = "port://entities/{blueprint}/{identifier}";

    private const string BlueprintPrefix = "port://blueprints/";
    private const string EntityPrefix = "port://entities/";
    private const string JsonMime = "application/json";

    /// <summary>How many entities a completion looks at, at most, so that a prefix over a huge blueprint answers in bounded time.</summary>
    private const int MaxCompletionScan = 10_000;

    /// <summary>Gets the URI of a blueprint's resource.</summary>
    /// <param name="blueprint">The blueprint's identifier.</param>
    /// <returns>The URI, such as <c>port://blueprints/service</c>.</returns>
    public static string BlueprintUri(string blueprint) => BlueprintPrefix + Uri.EscapeDataString(blueprint);

    /// <summary>Gets the URI of an entity's resource.</summary>
    /// <param name="blueprint">The entity's blueprint.</param>
    /// <param name="identifier">The entity's identifier.</param>
    /// <returns>The URI, such as <c>port://entities/service/payments-api</c>.</returns>
    public static string EntityUri(string blueprint, string identifier) => $"{EntityPrefix}{Uri.EscapeDataString(blueprint)}/{Uri.EscapeDataString(identifier)}";

    private static IReadOnlyList<ResourceTemplate> Templates { get; } =
    [
        new ResourceTemplate { Name = "blueprint", Title = "Blueprint", UriTemplate = BlueprintUriTemplate, MimeType = JsonMime, Description = "A blueprint as Port JSON: its properties' JSON Schema and its relations." },
        new ResourceTemplate { Name = "entity", Title = "Entity", UriTemplate = EntityUriTemplate, MimeType = JsonMime, Description = "An entity as Port JSON, with its computed properties." },
    ];

    private void ConfigureResources(McpServerHandlers handlers)
    {
        var previousList = handlers.ListResourcesHandler;
        var previousTemplates = handlers.ListResourceTemplatesHandler;
        var previousRead = handlers.ReadResourceHandler;
        handlers.ListResourcesHandler = async (request, cancellationToken) =>
        {
            var resources = new List<Resource>();
            await foreach (var blueprint in _catalog.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
            {
                resources.Add(new Resource { Uri = BlueprintUri(blueprint.Identifier), Name = blueprint.Identifier, Title = blueprint.Title ?? blueprint.Identifier, MimeType = JsonMime, Description = $"The blueprint '{blueprint.Identifier}'; its entities are port://entities/{Uri.EscapeDataString(blueprint.Identifier)}/{{identifier}}." });
            }

            if (previousList is not null)
            {
                resources.AddRange((await previousList(request, cancellationToken).ConfigureAwait(false)).Resources);
            }

            return new ListResourcesResult { Resources = resources };
        };
        handlers.ListResourceTemplatesHandler = async (request, cancellationToken) =>
        {
            var theirs = previousTemplates is null ? [] : (await previousTemplates(request, cancellationToken).ConfigureAwait(false)).ResourceTemplates;
            return new ListResourceTemplatesResult { ResourceTemplates = [.. Templates, .. theirs] };
        };
        handlers.ReadResourceHandler = async (request, cancellationToken) =>
        {
            var uri = request.Params?.Uri ?? string.Empty;
            if (!uri.StartsWith("port://", StringComparison.Ordinal) && previousRead is not null)
            {
                return await previousRead(request, cancellationToken).ConfigureAwait(false);
            }

            return await ReadResourceAsync(uri, cancellationToken).ConfigureAwait(false);
        };
    }

    private async Task<ReadResourceResult> ReadResourceAsync(string uri, CancellationToken cancellationToken)
    {
        string json;
        if (TrySplit(uri, BlueprintPrefix, 1, out var parts))
        {
            var blueprint = await _catalog.GetBlueprintAsync(parts[0], cancellationToken).ConfigureAwait(false)
                ?? throw new McpProtocolException($"There is no blueprint '{parts[0]}' (resource '{uri}').", McpErrorCode.ResourceNotFound);
            json = PortJson.Write(blueprint);
        }
        else if (TrySplit(uri, EntityPrefix, 2, out parts))
        {
            var entity = await _catalog.GetEntityAsync(parts[0], parts[1], cancellationToken).ConfigureAwait(false)
                ?? throw new McpProtocolException($"There is no entity '{parts[1]}' of blueprint '{parts[0]}' (resource '{uri}').", McpErrorCode.ResourceNotFound);
            json = PortJson.Write(entity);
        }
        else
        {
            throw new McpProtocolException($"The resource URI '{Shorten(uri)}' is not one of this server's: they are {BlueprintUriTemplate} and {EntityUriTemplate}.", McpErrorCode.ResourceNotFound);
        }

        return new ReadResourceResult { Contents = [new TextResourceContents { Uri = uri, MimeType = JsonMime, Text = json }] };
    }

    /// <summary>Splits the rest of <paramref name="uri"/> after <paramref name="prefix"/> into exactly <paramref name="count"/> non-empty, percent-decoded segments.</summary>
    private static bool TrySplit(string uri, string prefix, int count, out string[] parts)
    {
        parts = [];
        if (!uri.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var segments = uri[prefix.Length..].Split('/');
        if (segments.Length != count || segments.Any(s => s.Length == 0))
        {
            return false;
        }

        parts = [.. segments.Select(Uri.UnescapeDataString)];
        return true;
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "...");

    private void ConfigureCompletions(McpServerHandlers handlers)
    {
        var previous = handlers.CompleteHandler;
        handlers.CompleteHandler = async (request, cancellationToken) =>
        {
            var parameters = request.Params ?? throw new McpProtocolException("completion/complete needs 'ref' and 'argument'.", McpErrorCode.InvalidParams);
            var ours = parameters.Ref switch
            {
                ResourceTemplateReference template => template.Uri is BlueprintUriTemplate or EntityUriTemplate,
                PromptReference prompt => _recipes.ContainsKey(prompt.Name),
                _ => false,
            };
            if (!ours)
            {
                return previous is not null ? await previous(request, cancellationToken).ConfigureAwait(false) : new CompleteResult();
            }

            var value = parameters.Argument.Value ?? string.Empty;
            var blueprint = parameters.Context?.Arguments is { } context && context.TryGetValue("blueprint", out var given) ? given : null;
            return parameters.Argument.Name switch
            {
                "blueprint" => await CompleteBlueprintsAsync(value, cancellationToken).ConfigureAwait(false),
                "identifier" => await CompleteIdentifiersAsync(blueprint, value, cancellationToken).ConfigureAwait(false),
                _ => new CompleteResult(),
            };
        };
    }

    private async Task<CompleteResult> CompleteBlueprintsAsync(string prefix, CancellationToken cancellationToken)
    {
        var matches = new List<string>();
        await foreach (var blueprint in _catalog.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (blueprint.Identifier.StartsWith(prefix, StringComparison.Ordinal))
            {
                matches.Add(blueprint.Identifier);
            }
        }

        matches.Sort(StringComparer.Ordinal);
        return Completion(matches, matches.Count, complete: true);
    }

    private async Task<CompleteResult> CompleteIdentifiersAsync(string? blueprint, string prefix, CancellationToken cancellationToken)
    {
        using var rules = JsonDocument.Parse(prefix.Length == 0
            ? """{"combinator":"and","rules":[]}"""
            : $$"""{"combinator":"and","rules":[{"property":"$identifier","operator":"beginsWith","value":{{Quote(prefix)}}}]}""");
        var query = SearchQuery.Parse(rules.RootElement);
        var matches = new SortedSet<string>(StringComparer.Ordinal);
        var scanned = 0;
        var complete = true;
        await foreach (var entity in _catalog.SearchAsync(query, blueprint, cancellationToken).ConfigureAwait(false))
        {
            if (++scanned > MaxCompletionScan)
            {
                complete = false;
                break;
            }

            matches.Add(entity.Identifier);
        }

        return Completion([.. matches], matches.Count, complete);
    }

    private CompleteResult Completion(List<string> matches, int total, bool complete) => new()
    {
        Completion = new Completion
        {
            Values = [.. matches.Take(_options.MaxCompletions)],
            Total = complete ? total : null,
            HasMore = !complete || matches.Count > _options.MaxCompletions,
        },
    };
}
