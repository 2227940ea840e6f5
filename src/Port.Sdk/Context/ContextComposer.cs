using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Port.Sdk.Jq;

namespace Port.Sdk;

/// <summary>Options of the <see cref="ContextComposer"/>.</summary>
public sealed class ContextComposerOptions
{
    /// <summary>Gets or sets how long a connector call may take when its recipe entry sets no timeout; then its part is given up.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan DefaultCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets what tells the actions available on a subject, for recipes with <see cref="ContextRecipe.IncludeActions"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no actions are listed.</value>
    public IContextActionSource? Actions { get; set; }

    /// <summary>Gets or sets the clock, for provenance timestamps.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Answers one question with both layers at once: the subject's entities and the entities related to them, and their
/// scorecards, from the catalog; and live results from MCP connectors, called in parallel with the catalog reads
/// (the total time is close to the slowest call, not the sum). A connector that fails or is too slow leaves its error
/// in place of its part: the composer does not throw for it. Every piece carries its provenance; the result fits the
/// recipe's budget, lowest-priority and largest parts cut first, each cut stated.
/// </summary>
public sealed class ContextComposer
{
    private static readonly JqRunOptions ArgumentLimits = new() { MaxSteps = 100_000, MaxDepth = 100 };
    private readonly PortCatalog _catalog;
    private readonly Dictionary<string, IMcpConnector> _connectors;
    private readonly ContextComposerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ContextComposer"/> class.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="connectors">The connectors, found by name.</param>
    /// <param name="options">Timeouts and the clock; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="connectors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two connectors have the same name.</exception>
    public ContextComposer(PortCatalog catalog, IEnumerable<IMcpConnector> connectors, ContextComposerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(connectors);
        _catalog = catalog;
        _options = options ?? new ContextComposerOptions();
        _connectors = new Dictionary<string, IMcpConnector>(StringComparer.Ordinal);
        foreach (var connector in connectors)
        {
            if (!_connectors.TryAdd(connector.Name, connector))
            {
                throw new ArgumentException($"Two connectors are named '{connector.Name}'.", nameof(connectors));
            }
        }
    }

    /// <summary>Composes the context of one entity.</summary>
    /// <param name="subject">The entity.</param>
    /// <param name="recipe">What to gather.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The composed context.</returns>
    /// <exception cref="PortException">There is no such entity.</exception>
    public Task<ComposedContext> ComposeAsync(EntityKey subject, ContextRecipe recipe, CancellationToken cancellationToken = default)
        => ComposeAsync(subject, recipe, null, cancellationToken);

    /// <summary>Composes the context of one entity, reporting each step as it finishes.</summary>
    /// <param name="subject">The entity.</param>
    /// <param name="recipe">What to gather.</param>
    /// <param name="progress">Told each time the catalog reads or a connector call finish; <see langword="null"/> for no reports.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The composed context.</returns>
    /// <exception cref="PortException">There is no such entity.</exception>
    public async Task<ComposedContext> ComposeAsync(EntityKey subject, ContextRecipe recipe, IProgress<ContextComposeProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var clock = Stopwatch.StartNew();
        var at = _options.TimeProvider.GetUtcNow();
        var entity = await _catalog.GetEntityAsync(subject.Blueprint, subject.Identifier, cancellationToken).ConfigureAwait(false)
            ?? throw new PortException($"There is no entity '{subject.Identifier}' of blueprint '{subject.Blueprint}' to compose a context for.");
        return await ComposeAsync([new ContextEntity(entity, 0, [], new ContextProvenance("store", null, null, at, clock.Elapsed))], recipe, clock, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Composes the context of the entities a search finds (at most <see cref="ContextRecipe.MaxSubjects"/>).</summary>
    /// <param name="search">The search.</param>
    /// <param name="blueprint">The blueprint to search; <see langword="null"/> for every blueprint.</param>
    /// <param name="recipe">What to gather.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The composed context; with no subject when the search finds nothing.</returns>
    public async Task<ComposedContext> ComposeAsync(SearchQuery search, string? blueprint, ContextRecipe recipe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(recipe);
        var clock = Stopwatch.StartNew();
        var at = _options.TimeProvider.GetUtcNow();
        var subjects = new List<ContextEntity>();
        await foreach (var entity in _catalog.SearchAsync(search, blueprint, cancellationToken).ConfigureAwait(false))
        {
            subjects.Add(new ContextEntity(entity, 0, [], new ContextProvenance("store", null, null, at, clock.Elapsed)));
            if (subjects.Count >= recipe.MaxSubjects)
            {
                break;
            }
        }

        return await ComposeAsync(subjects, recipe, clock, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ComposedContext> ComposeAsync(List<ContextEntity> subjects, ContextRecipe recipe, Stopwatch clock, IProgress<ContextComposeProgress>? progress, CancellationToken cancellationToken)
    {
        var total = 1 + (subjects.Count * recipe.Calls.Count);
        var completed = 0;
        async Task<T> Step<T>(Task<T> task, string step)
        {
            var result = await task.ConfigureAwait(false);
            progress?.Report(new ContextComposeProgress(Interlocked.Increment(ref completed), total, step));
            return result;
        }

        // The connector calls start first, so they run while the catalog is read.
        var calls = subjects.SelectMany(s => recipe.Calls.Select(call => Step(CallAsync(s.Entity, call, cancellationToken), $"{call.Connector}/{call.Tool}"))).ToList();
        var store = Step(ReadStoreAsync(subjects, recipe, cancellationToken), "catalog");
        await Task.WhenAll(calls.Cast<Task>().Append(store)).ConfigureAwait(false);
        var (entities, priorities, scorecards) = await store.ConfigureAwait(false);
        var actions = new List<ContextAction>();
        if (recipe.IncludeActions && _options.Actions is { } source)
        {
            foreach (var subject in subjects)
            {
                actions.AddRange(await source.GetActionsAsync(Key(subject.Entity), cancellationToken).ConfigureAwait(false));
            }
        }

        var context = new ComposedContext
        {
            Recipe = recipe.Name,
            Entities = entities,
            Scorecards = scorecards,
            Actions = actions,
            Connectors = [.. calls.Select(c => c.Result)],
        };
        if (recipe.MaxLength is { } budget)
        {
            context = Fit(context, priorities, budget);
        }

        return context with { Duration = clock.Elapsed };
    }

    private async Task<(List<ContextEntity> Entities, Dictionary<EntityKey, int> Priorities, List<ContextScorecard> Scorecards)> ReadStoreAsync(List<ContextEntity> subjects, ContextRecipe recipe, CancellationToken cancellationToken)
    {
        var entities = new List<ContextEntity>(subjects);
        var priorities = new Dictionary<EntityKey, int>();
        var seen = subjects.Select(s => Key(s.Entity)).ToHashSet();
        foreach (var subject in subjects)
        {
            foreach (var walk in recipe.Relations)
            {
                var clock = Stopwatch.StartNew();
                var at = _options.TimeProvider.GetUtcNow();
                var related = await _catalog.GetRelatedEntitiesAsync(subject.Entity.Blueprint, subject.Entity.Identifier, walk.Hops, walk.Direction, cancellationToken).ConfigureAwait(false);
                var provenance = new ContextProvenance("store", null, null, at, clock.Elapsed);
                foreach (var found in related.Where(r => walk.Blueprints.Count == 0 || walk.Blueprints.Contains(r.Entity.Blueprint)).OrderBy(r => r.Hops))
                {
                    if (seen.Add(Key(found.Entity)))
                    {
                        entities.Add(new ContextEntity(found.Entity, found.Hops, found.Path, provenance));
                        priorities[Key(found.Entity)] = walk.Priority - (10 * found.Hops);
                    }
                }
            }
        }

        var scorecards = new List<ContextScorecard>();
        foreach (var scorecard in recipe.Scorecards)
        {
            var clock = Stopwatch.StartNew();
            var at = _options.TimeProvider.GetUtcNow();
            var wanted = entities.Where(e => e.Entity.Blueprint == scorecard.Blueprint).Select(e => e.Entity.Identifier).ToHashSet(StringComparer.Ordinal);
            if (wanted.Count == 0)
            {
                continue;
            }

            await foreach (var result in _catalog.EvaluateScorecardAsync(scorecard, cancellationToken).ConfigureAwait(false))
            {
                if (wanted.Contains(result.Entity))
                {
                    scorecards.Add(new ContextScorecard(scorecard.Identifier, scorecard.Blueprint, result.Entity, result.Level, result.Rules, new ContextProvenance("store", null, null, at, clock.Elapsed)));
                }
            }
        }

        return (entities, priorities, scorecards);
    }

    /// <summary>Makes one connector call; never throws for the connector's failure, only for the caller's cancellation.</summary>
    private async Task<ContextConnectorPart> CallAsync(Entity subject, ContextConnectorCall call, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var at = _options.TimeProvider.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var label = call.Label ?? call.ToString();
        ContextConnectorPart Part(IReadOnlyDictionary<string, JsonElement> arguments) => new(label, call.Connector, call.Tool, Key(subject), arguments, new ContextProvenance("connector", call.Connector, call.Tool, at, clock.Elapsed)) { Priority = call.Priority };

        IReadOnlyDictionary<string, JsonElement> arguments;
        try
        {
            arguments = Arguments(subject, call);
        }
        catch (Exception ex) when (ex is JqException or FormatException)
        {
            return Part(new Dictionary<string, JsonElement>()) with { Error = $"the arguments could not be built from '{Key(subject)}': {ex.Message}" };
        }

        if (!_connectors.TryGetValue(call.Connector, out var connector))
        {
            return Part(arguments) with { Error = $"there is no connector named '{call.Connector}'; the connectors are {string.Join(", ", _connectors.Keys.Select(k => $"'{k}'"))}." };
        }

        var timeout = call.Timeout ?? _options.DefaultCallTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var result = await connector.CallToolAsync(call.Tool, arguments, limit.Token).ConfigureAwait(false);
            return Part(arguments) with { Text = result.Text, Structured = result.Structured, Truncated = result.Truncated };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Part(arguments) with { Error = $"no answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; given up." };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A connector failing in any way leaves its error in place of its part.
            return Part(arguments) with { Error = ex is McpConnectorException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}" };
        }
    }

    private static Dictionary<string, JsonElement> Arguments(Entity subject, ContextConnectorCall call)
    {
        var input = JqValue.Parse(PortJson.Write(subject));
        var output = call.ArgumentsFilter.First(input, ArgumentLimits);
        if (output is not { Kind: JqKind.Object } value)
        {
            throw new FormatException($"the expression '{call.Arguments}' must give an object, gave {output?.TypeName ?? "nothing"}");
        }

        using var document = JsonDocument.Parse(value.ToJson());
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    /// <summary>Cuts the context to the budget: the lowest-priority part first, the largest among equals; connector text is shortened, related entities are left out.</summary>
    private static ComposedContext Fit(ComposedContext context, Dictionary<EntityKey, int> priorities, int budget)
    {
        var cut = new Dictionary<string, (int Original, int Kept)>(StringComparer.Ordinal);
        var dropped = new List<ContextEntity>();
        var overflow = false;
        List<string> Statements() =>
        [
            .. cut.Select(c => c.Value.Kept == 0
                ? $"The result of '{c.Key}' ({c.Value.Original:N0} characters) was left out."
                : $"The result of '{c.Key}' was cut from {c.Value.Original:N0} to {c.Value.Kept:N0} characters."),
            .. dropped.Select(e => $"The related {e.Entity.Blueprint} '{e.Entity.Identifier}' ({e.Hops} hop{(e.Hops == 1 ? string.Empty : "s")} away) was left out."),
            .. overflow ? [$"The subjects and scorecards alone are over the budget of {budget:N0} characters; they are kept whole."] : Array.Empty<string>(),
        ];

        var length = context.ToMarkdown().Length;
        while (length > budget)
        {
            var excess = length - budget;
            var part = context.Connectors.Where(c => c.Text is { Length: > 0 }).Select(c => (Priority: c.Priority, Size: c.Text!.Length, Connector: (ContextConnectorPart?)c, Entity: (ContextEntity?)null));
            var entity = context.Entities.Where(e => e.Hops > 0).Select(e => (Priority: priorities.GetValueOrDefault(Key(e.Entity)), Size: PortJson.Write(e.Entity).Length, Connector: (ContextConnectorPart?)null, Entity: (ContextEntity?)e));
            var victim = part.Concat(entity).OrderBy(c => c.Priority).ThenByDescending(c => c.Size).FirstOrDefault();
            if (victim.Connector is { } connector)
            {
                var text = connector.Text!;
                var keep = Math.Max(0, text.Length - excess - 160);
                keep = keep < 160 ? 0 : keep;
                cut[connector.Label] = (cut.TryGetValue(connector.Label, out var earlier) ? earlier.Original : text.Length, keep);
                context = context with { Connectors = [.. context.Connectors.Select(c => ReferenceEquals(c, connector) ? c with { Text = text[..keep], Truncated = true } : c)] };
            }
            else if (victim.Entity is { } left)
            {
                dropped.Add(left);
                context = context with { Entities = [.. context.Entities.Where(e => !ReferenceEquals(e, left))] };
            }
            else
            {
                overflow = true;
                break;
            }

            length = (context with { Truncations = Statements() }).ToMarkdown().Length;
        }

        return context with { Truncations = Statements() };
    }

    private static EntityKey Key(Entity entity) => new(entity.Blueprint, entity.Identifier);
}
