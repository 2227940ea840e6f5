using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Port.Sdk.Actions.Internal;
using Port.Sdk.Jq;

namespace Port.Sdk.Actions;

/// <summary>
/// The actions and automations of a catalog, and their runs: invoke an action (its inputs validated, its run
/// persisted), follow and report on runs, approve or decline them; <see cref="StartAsync"/> recovers runs a dead
/// process left under way and starts the automations, fed by the catalog's change feed.
/// </summary>
public sealed partial class PortActions : IAsyncDisposable
{
    private static readonly Lazy<string> CurrentOwner = new(() =>
    {
        using var process = Process.GetCurrentProcess();
        return $"{Environment.MachineName}/{Environment.ProcessId}/{process.StartTime.ToUniversalTime().Ticks}";
    });

    private readonly Dictionary<string, Registered> _actions = new(StringComparer.Ordinal);
    private readonly Func<HttpClient> _httpClient;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly Lock _watchersGate = new();
    private readonly List<Channel<ActionRun>> _watchers = [];
    private AutomationEngine? _automations;

    /// <summary>Initializes a new instance of the <see cref="PortActions"/> class.</summary>
    /// <param name="catalog">The catalog actions act on (entities, <c>UPSERT_ENTITY</c>, the change feed of automations).</param>
    /// <param name="store">Where runs are kept.</param>
    /// <param name="options">The actions to register and the options; <see langword="null"/> for none and the defaults.</param>
    /// <param name="httpClient">The client webhooks are sent with; <see langword="null"/> for a new one.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">An action of <paramref name="options"/> cannot run (see <see cref="Register"/>).</exception>
    public PortActions(PortCatalog catalog, IActionRunStore store, PortActionsOptions? options = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(catalog, store, options, httpClient is null ? null : () => httpClient, loggerFactory)
    {
    }

    internal PortActions(PortCatalog catalog, IActionRunStore store, PortActionsOptions? options, Func<HttpClient>? httpClient, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(store);
        Catalog = catalog;
        Store = store;
        Options = options ?? new PortActionsOptions();
        if (httpClient is null)
        {
            var shared = new Lazy<HttpClient>(() => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
            _httpClient = () => shared.Value;
        }
        else
        {
            _httpClient = httpClient;
        }

        _logger = (ILogger?)loggerFactory?.CreateLogger("Port.Sdk.Actions") ?? NullLogger.Instance;
        foreach (var action in Options.Actions)
        {
            Register(action, Options.Handlers.TryGetValue(action.Identifier, out var handler) ? handler : null);
        }
    }

    /// <summary>Gets the catalog.</summary>
    public PortCatalog Catalog { get; }

    /// <summary>Gets the run store.</summary>
    public IActionRunStore Store { get; }

    /// <summary>Gets the options.</summary>
    public PortActionsOptions Options { get; }

    /// <summary>Gets the registered actions and automations, in the order registered.</summary>
    public IReadOnlyList<PortAction> Actions
    {
        get
        {
            lock (_actions)
            {
                return [.. _actions.Values.OrderBy(r => r.Order).Select(r => r.Action)];
            }
        }
    }

    internal static string Owner => CurrentOwner.Value;

    /// <summary>Gets a registered action or automation.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <returns>The action, or <see langword="null"/> when none is registered with that identifier.</returns>
    public PortAction? GetAction(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        lock (_actions)
        {
            return _actions.GetValueOrDefault(identifier)?.Action;
        }
    }

    /// <summary>
    /// Registers an action or automation, replacing one with the same identifier. An action needs a backend the SDK
    /// runs: a <paramref name="handler"/>, an invocation method of type <c>WEBHOOK</c> or <c>UPSERT_ENTITY</c>, or one
    /// an <see cref="IActionInvoker"/> of <see cref="PortActionsOptions.Invokers"/> runs.
    /// </summary>
    /// <param name="action">The action.</param>
    /// <param name="handler">The .NET handler that runs it, taking precedence over its invocation method.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">The action has no backend the SDK can run.</exception>
    public void Register(PortAction action, IActionHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (handler is null && action.InvocationMethod.Type is not ("WEBHOOK" or "UPSERT_ENTITY") && !Options.Invokers.ContainsKey(action.InvocationMethod.Type))
        {
            var hint = action.InvocationMethod.Type == "GITHUB" ? " (Port.Sdk.GitHub's AddGitHubActions() runs GITHUB)" : string.Empty;
            throw new ActionDefinitionException([new ActionDefinitionError(action.Identifier, "/invocationMethod/type", "backend",
                $"the invocation method '{action.InvocationMethod.Type}' is not run by the SDK; register an IActionHandler for the action (AddAction(json, handler)) or an IActionInvoker for the type{hint}, or use WEBHOOK or UPSERT_ENTITY") { File = action.File }]);
        }

        var validator = new InputValidator(action);
        lock (_actions)
        {
            _actions[action.Identifier] = new Registered(action, validator, handler, _actions.Count);
        }
    }

    /// <summary>
    /// Recovers the runs a dead process left under way (<see cref="PortActionsOptions.Recovery"/>) and starts the
    /// automations. The hosted service of <c>AddActions()</c> calls this; call it yourself without a host.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when recovery is done and the automations listen.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        var automations = Actions.Where(a => a.IsAutomation && a.Publish).ToList();
        if (automations.Count > 0 && _automations is null)
        {
            _automations = new AutomationEngine(this, automations, _logger);
            await _automations.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the automations and waits for the runs being invoked to stop (they are left for recovery if cancelled).</summary>
    /// <param name="cancellationToken">The token that stops waiting.</param>
    /// <returns>A task that completes when everything stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_automations is { } automations)
        {
            _automations = null;
            await automations.StopAsync().ConfigureAwait(false);
            automations.Dispose();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Invokes a self-service action: checks the entity and the inputs, creates its run (<c>WAITING_FOR_APPROVAL</c>
    /// when the action requires approval, else <c>IN_PROGRESS</c>) and starts it in the background. Follow it with
    /// <see cref="WaitForRunAsync"/> or <see cref="WatchRunsAsync"/>.
    /// </summary>
    /// <param name="action">The action's identifier.</param>
    /// <param name="invocation">The inputs, the entity and the caller.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run as created.</returns>
    /// <exception cref="ArgumentException">No self-service action <paramref name="action"/> is registered.</exception>
    /// <exception cref="ActionInputException">The inputs or the entity are invalid; no run was created.</exception>
    public async Task<ActionRun> InvokeAsync(string action, ActionInvocation? invocation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        invocation ??= new ActionInvocation();
        Registered registered;
        lock (_actions)
        {
            registered = _actions.GetValueOrDefault(action) ?? throw new ArgumentException($"There is no action '{action}'{ActionParser.DidYouMean(action, _actions.Keys)}.", nameof(action));
        }

        var definition = registered.Action;
        if (definition.IsAutomation)
        {
            throw new ArgumentException($"'{action}' is an automation; automations run on their events, not on invocation.", nameof(action));
        }

        Entity? entity = null;
        if (definition.Trigger.Operation is ActionOperation.DayTwo or ActionOperation.Delete)
        {
            entity = await EntityOfAsync(definition, invocation.Entity, cancellationToken).ConfigureAwait(false);
        }

        var entityNode = entity is null ? null : JsonNode.Parse(PortJson.Write(entity));
        var user = invocation.Caller is null ? null : new JsonObject { ["email"] = invocation.Caller };
        var (inputs, expanded) = await registered.Validator.ValidateAsync(invocation.Inputs, entityNode, user, Catalog, JqOptions(cancellationToken), cancellationToken).ConfigureAwait(false);

        var now = Options.TimeProvider.GetUtcNow();
        var id = NewRunId();
        var context = new JsonObject
        {
            ["action"] = new JsonObject { ["identifier"] = definition.Identifier, ["title"] = definition.Title, ["blueprint"] = definition.Trigger.BlueprintIdentifier },
            ["inputs"] = expanded,
            ["entity"] = entityNode,
            ["trigger"] = new JsonObject
            {
                ["by"] = new JsonObject { ["user"] = user },
                ["operation"] = definition.Trigger.Operation switch { ActionOperation.Create => "CREATE", ActionOperation.Delete => "DELETE", _ => "DAY-2" },
                ["origin"] = invocation.Source,
                ["at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["event"] = null,
            ["run"] = RunNode(id),
        };
        var run = new ActionRun
        {
            Id = id,
            Action = definition.Identifier,
            Status = definition.RequiredApproval ? ActionRunStatus.WaitingForApproval : ActionRunStatus.InProgress,
            Blueprint = definition.Trigger.BlueprintIdentifier,
            Entity = entity?.Identifier,
            Caller = invocation.Caller,
            Source = invocation.Source,
            Inputs = ToElement(inputs),
            Context = ToElement(context),
            RequiresApproval = definition.RequiredApproval,
            Owner = definition.RequiredApproval ? null : Owner,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await CreateAndStartAsync(registered, run, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets a run.</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run, or <see langword="null"/> when there is none.</returns>
    public Task<ActionRun?> GetRunAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Store.GetAsync(id, cancellationToken);
    }

    /// <summary>Lists runs, newest first.</summary>
    /// <param name="query">Which runs; <see langword="null"/> for the latest 100.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The runs.</returns>
    public IAsyncEnumerable<ActionRun> ListRunsAsync(ActionRunQuery? query = null, CancellationToken cancellationToken = default)
        => Store.ListAsync(query ?? new ActionRunQuery(), cancellationToken);

    /// <summary>Streams every change to a run made through this instance from now on (each run as saved), until cancelled.</summary>
    /// <param name="cancellationToken">The token that ends the stream.</param>
    /// <returns>The runs, in the order they changed.</returns>
    public async IAsyncEnumerable<ActionRun> WatchRunsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Watch();
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var run))
                {
                    yield return run;
                }
            }
        }
        finally
        {
            Unwatch(channel);
        }
    }

    /// <summary>Waits until a run ends (<c>SUCCESS</c>, <c>FAILURE</c> or <c>DECLINED</c>), or until it waits for its backend or an approval when <paramref name="untilIdle"/> is set.</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="untilIdle">Whether to return as soon as no process is invoking the run (waiting for approval or for an asynchronous backend's report).</param>
    /// <param name="cancellationToken">The token that stops waiting.</param>
    /// <returns>The run.</returns>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    public async Task<ActionRun> WaitForRunAsync(string id, bool untilIdle = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var channel = Watch();
        try
        {
            var run = await Store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"There is no run '{id}'.");
            while (!Done(run))
            {
                run = await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (run.Id != id)
                {
                    continue;
                }
            }

            return run;
        }
        finally
        {
            Unwatch(channel);
        }

        bool Done(ActionRun run) => run.Id == id && (run.IsTerminal || (untilIdle && run.Owner is null));
    }

    internal async Task<ActionRun> CreateAndStartAsync(Registered registered, ActionRun run, CancellationToken cancellationToken)
    {
        var created = await Store.CreateAsync(run, cancellationToken).ConfigureAwait(false);
        if (created.Id != run.Id)
        {
            return created;
        }

        Publish(null, created);
        if (created.Status == ActionRunStatus.InProgress)
        {
            Start(registered, created);
        }
        else if (created.Status == ActionRunStatus.WaitingForApproval)
        {
            NotifyApprovers(registered.Action, created);
        }

        return created;
    }

    internal Registered? Find(string action)
    {
        lock (_actions)
        {
            return _actions.GetValueOrDefault(action);
        }
    }

    internal JqRunOptions JqOptions(CancellationToken cancellationToken) => new()
    {
        MaxSteps = Options.MaxJqSteps,
        MaxOutputs = 10_000,
        CancellationToken = cancellationToken,
        TimeProvider = Options.TimeProvider,
    };

    internal JsonObject RunNode(string id) => new()
    {
        ["id"] = id,
        ["url"] = Options.RunUrlBase is null ? null : new Uri(Options.RunUrlBase, Uri.EscapeDataString(id)).ToString(),
    };

    internal static string NewRunId() => "r_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);

    internal static JsonElement ToElement(JsonNode? node) => JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement.Clone();

    internal AutomationEngine? Automations => _automations;

    private async Task<Entity> EntityOfAsync(PortAction definition, string? identifier, CancellationToken cancellationToken)
    {
        var blueprint = definition.Trigger.BlueprintIdentifier!;
        if (string.IsNullOrEmpty(identifier))
        {
            throw new ActionInputException(definition.Identifier, [new ActionInputError("entity", "/entity", "required", $"a {(definition.Trigger.Operation == ActionOperation.Delete ? "DELETE" : "DAY-2")} action acts on an entity of blueprint '{blueprint}'; give its identifier")]);
        }

        var entity = await Catalog.GetEntityAsync(blueprint, identifier, cancellationToken).ConfigureAwait(false)
            ?? throw new ActionInputException(definition.Identifier, [new ActionInputError("entity", "/entity", "entity", $"there is no entity '{identifier}' of blueprint '{blueprint}'")]);
        if (definition.Trigger.EntityCondition is { } condition)
        {
            var rules = JsonNode.Parse(condition.GetRawText())!.AsObject();
            rules.Remove("type");
            var query = new SearchQuery
            {
                Rules =
                [
                    SearchQuery.Parse(ToElement(rules)),
                    new PropertyRule { Property = "$identifier", Operator = "=", Value = JsonSerializer.SerializeToElement(identifier, ActionsJsonContext.Default.String) },
                ],
            };
            var available = false;
            await foreach (var _ in Catalog.SearchAsync(query, blueprint, cancellationToken).ConfigureAwait(false))
            {
                available = true;
                break;
            }

            if (!available)
            {
                throw new ActionInputException(definition.Identifier, [new ActionInputError("entity", "/entity", "condition", $"the action is not available on entity '{identifier}': it does not match the action's 'condition'")]);
            }
        }

        return entity;
    }

    private Channel<ActionRun> Watch()
    {
        var channel = Channel.CreateUnbounded<ActionRun>(new UnboundedChannelOptions { SingleReader = true });
        lock (_watchersGate)
        {
            _watchers.Add(channel);
        }

        return channel;
    }

    private void Unwatch(Channel<ActionRun> channel)
    {
        lock (_watchersGate)
        {
            _watchers.Remove(channel);
        }
    }

    private void Publish(ActionRun? before, ActionRun after)
    {
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(after);
            }
        }

        _automations?.OnRunChanged(before, after);
    }

    internal sealed record Registered(PortAction Action, InputValidator Validator, IActionHandler? Handler, int Order);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ActionsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
