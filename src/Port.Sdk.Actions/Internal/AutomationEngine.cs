using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Actions.Internal;

/// <summary>
/// Runs automations: reads the catalog's change feed, run changes and expiring timers one at a time, builds each
/// event in Port's shape (<c>diff.before</c>/<c>diff.after</c>, <c>context</c>, <c>trigger</c>), checks conditions and
/// creates one run per automation and event (an idempotency key per event makes a redelivered event a no-op).
/// </summary>
/// <remarks>
/// The change feed carries the entity after a change only, so the engine keeps the last entity it saw of each
/// watched blueprint (read once at start) to give <c>diff.before</c>: memory in proportion to those blueprints.
/// </remarks>
internal sealed class AutomationEngine : IDisposable
{
    private const int MaxCauses = 10_000;

    private readonly PortActions _actions;
    private readonly List<PortAction> _automations;
    private readonly ILogger _logger;
    private readonly HashSet<string> _watched;
    private readonly Channel<object> _work = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<EntityKey, JsonNode> _snapshot = [];
    private readonly ConcurrentDictionary<EntityKey, int> _causes = new();
    private readonly SortedSet<TimerEntry> _timers = new(TimerEntry.Comparer);
    private readonly Dictionary<(string Automation, EntityKey Key), TimerEntry> _timerIndex = [];
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private Task _pump = Task.CompletedTask;
    private Task _loop = Task.CompletedTask;

    public AutomationEngine(PortActions actions, List<PortAction> automations, ILogger logger)
    {
        _actions = actions;
        _automations = automations;
        _logger = logger;
        _watched = automations.Where(a => a.Trigger.Event!.BlueprintIdentifier is not null).Select(a => a.Trigger.Event!.BlueprintIdentifier!).ToHashSet(StringComparer.Ordinal);
    }

    private TimeProvider Time => _actions.Options.TimeProvider;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_watched.Count > 0)
        {
            // The first MoveNextAsync subscribes to the feed synchronously: no change written after StartAsync is missed.
            var changes = _actions.Catalog.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
            var first = changes.MoveNextAsync();
            _pump = PumpAsync(changes, first);
            foreach (var blueprint in _watched)
            {
                await foreach (var entity in _actions.Catalog.Store.QueryAsync(new EntityQuery { Blueprint = blueprint }, cancellationToken).ConfigureAwait(false))
                {
                    var key = new EntityKey(entity.Blueprint, entity.Identifier);
                    var node = JsonNode.Parse(PortJson.Write(entity))!;
                    _snapshot[key] = node;
                    Schedule(key, node);
                }
            }

            _timer = Time.CreateTimer(_ => _work.Writer.TryWrite(TimerTick.Instance), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Rearm();
        }

        _loop = Task.Run(ProcessAsync, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_pump, _loop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => _stop.Dispose();

    public void OnRunChanged(ActionRun? before, ActionRun after) => _work.Writer.TryWrite(new RunChange(before, after));

    /// <summary>Notes that the next change of an entity is caused by an automation run of this depth.</summary>
    public void NoteCause(EntityKey key, int depth)
    {
        if (_causes.Count >= MaxCauses)
        {
            _causes.Clear();
        }

        _causes[key] = depth;
    }

    public void ForgetCause(EntityKey key) => _causes.TryRemove(key, out _);

    private async Task PumpAsync(IAsyncEnumerator<EntityChange> changes, ValueTask<bool> first)
    {
        await using (changes.ConfigureAwait(false))
        {
            try
            {
                for (var more = await first.ConfigureAwait(false); more; more = await changes.MoveNextAsync().ConfigureAwait(false))
                {
                    _work.Writer.TryWrite(changes.Current);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }
    }

    private async Task ProcessAsync()
    {
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    switch (work)
                    {
                        case EntityChange change:
                            await OnEntityChangedAsync(change).ConfigureAwait(false);
                            break;
                        case RunChange run:
                            await OnRunChangedAsync(run.Before, run.After).ConfigureAwait(false);
                            break;
                        case TimerTick:
                            await OnTimerAsync().ConfigureAwait(false);
                            break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.AutomationFailed(_logger, "(engine)", work.ToString() ?? string.Empty, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task OnEntityChangedAsync(EntityChange change)
    {
        var key = change.Key;
        if (!_watched.Contains(key.Blueprint))
        {
            return;
        }

        var before = _snapshot.GetValueOrDefault(key);
        var after = change.Entity is null ? null : JsonNode.Parse(PortJson.Write(change.Entity));
        if (after is null)
        {
            _snapshot.Remove(key);
        }
        else
        {
            _snapshot[key] = after;
        }

        var depth = _causes.TryRemove(key, out var caused) ? caused : 0;
        Schedule(key, after);
        Rearm();
        var (type, verb) = change.Kind switch
        {
            EntityChangeKind.Created => (AutomationEventType.EntityCreated, "CREATE"),
            EntityChangeKind.Deleted => (AutomationEventType.EntityDeleted, "DELETE"),
            _ => (AutomationEventType.EntityUpdated, "UPDATE"),
        };
        var eventId = $"{verb}:{key}:{(after ?? before)?["updatedAt"]?.ToString()}:{Hash(before, after)}";
        foreach (var automation in _automations)
        {
            var trigger = automation.Trigger.Event!;
            if (trigger.BlueprintIdentifier != key.Blueprint || (trigger.Type != type && trigger.Type != AutomationEventType.AnyEntityChange))
            {
                continue;
            }

            var payload = EntityEvent(verb, key, null, before, after, depth);
            await FireAsync(automation, payload, eventId, depth, after ?? before, key).ConfigureAwait(false);
        }
    }

    private async Task OnRunChangedAsync(ActionRun? before, ActionRun after)
    {
        var type = before is null ? AutomationEventType.RunCreated : AutomationEventType.RunUpdated;
        foreach (var automation in _automations)
        {
            var trigger = automation.Trigger.Event!;
            if (trigger.ActionIdentifier != after.Action || (trigger.Type != type && trigger.Type != AutomationEventType.AnyRunChange))
            {
                continue;
            }

            var payload = new JsonObject
            {
                ["action"] = before is null ? "CREATE" : "UPDATE",
                ["resourceType"] = "run",
                ["trigger"] = Trigger(after.Depth + 1),
                ["context"] = new JsonObject { ["runId"] = after.Id, ["actionIdentifier"] = after.Action },
                ["diff"] = new JsonObject { ["before"] = RunJson(before), ["after"] = RunJson(after) },
            };
            var eventId = $"run:{after.Id}:{after.UpdatedAt.UtcTicks}:{after.Status}:{after.Logs.Count}";
            await FireAsync(automation, payload, eventId, after.Depth + 1, null, after.Blueprint is { } b && after.Entity is { } e ? new EntityKey(b, e) : null).ConfigureAwait(false);
        }
    }

    private async Task OnTimerAsync()
    {
        var now = Time.GetUtcNow();
        while (_timers.Count > 0 && _timers.Min!.Due <= now)
        {
            var entry = _timers.Min!;
            _timers.Remove(entry);
            _timerIndex.Remove((entry.Automation.Identifier, entry.Key));
            var entity = _snapshot.GetValueOrDefault(entry.Key);
            if (entity is null)
            {
                continue;
            }

            var property = entry.Automation.Trigger.Event!.PropertyIdentifier!;
            var payload = EntityEvent("UPDATE", entry.Key, property, null, entity, 0);
            await FireAsync(entry.Automation, payload, $"timer:{entry.Key}:{property}:{entry.Value}", 0, entity, entry.Key).ConfigureAwait(false);
        }

        Rearm();
    }

    private async Task FireAsync(PortAction automation, JsonObject payload, string eventId, int depth, JsonNode? entity, EntityKey? key)
    {
        var subject = key is { } k ? $"entity '{k}'" : $"run event '{eventId}'";
        var max = _actions.Options.MaxAutomationDepth;
        if (depth > max)
        {
            Log.AutomationDepthExceeded(_logger, automation.Identifier, subject, depth, max);
            return;
        }

        if (_actions.Find(automation.Identifier) is not { } registered)
        {
            return;
        }

        var conditions = automation.Compiled.Conditions;
        if (conditions.Count > 0)
        {
            var jq = _actions.JqOptions(_stop.Token);
            var results = new List<bool>();
            try
            {
                foreach (var condition in conditions)
                {
                    results.Add(InputValidator.Truthy(condition.Run(payload, jq).FirstOrDefault()));
                }
            }
            catch (Jq.JqException ex)
            {
                Log.AutomationFailed(_logger, automation.Identifier, subject, $"a condition failed: {ex.Message}");
                return;
            }

            var pass = automation.Trigger.Condition!.Combinator == "or" ? results.Any(r => r) : results.All(r => r);
            if (!pass)
            {
                return;
            }
        }

        var now = Time.GetUtcNow();
        var id = PortActions.NewRunId();
        var context = new JsonObject
        {
            ["action"] = new JsonObject { ["identifier"] = automation.Identifier, ["title"] = automation.Title },
            ["inputs"] = new JsonObject(),
            ["entity"] = entity?.DeepClone(),
            ["trigger"] = payload["trigger"]?.DeepClone(),
            ["event"] = payload,
            ["run"] = _actions.RunNode(id),
        };
        var run = new ActionRun
        {
            Id = id,
            Action = automation.Identifier,
            Status = automation.RequiredApproval ? ActionRunStatus.WaitingForApproval : ActionRunStatus.InProgress,
            Blueprint = key?.Blueprint,
            Entity = key?.Identifier,
            Caller = $"automation:{automation.Identifier}",
            Source = "AUTOMATION",
            Inputs = PortActions.ToElement(new JsonObject()),
            Context = PortActions.ToElement(context),
            RequiresApproval = automation.RequiredApproval,
            Owner = automation.RequiredApproval ? null : PortActions.Owner,
            IdempotencyKey = $"{automation.Identifier}:{eventId}",
            Depth = depth,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _actions.CreateAndStartAsync(registered, run, _stop.Token).ConfigureAwait(false);
    }

    private JsonObject EntityEvent(string verb, EntityKey key, string? property, JsonNode? before, JsonNode? after, int depth) => new()
    {
        ["action"] = verb,
        ["resourceType"] = "entity",
        ["trigger"] = Trigger(depth),
        ["context"] = new JsonObject { ["blueprintIdentifier"] = key.Blueprint, ["entityIdentifier"] = key.Identifier, ["propertyIdentifier"] = property },
        ["diff"] = new JsonObject { ["before"] = before?.DeepClone(), ["after"] = after?.DeepClone() },
    };

    private JsonObject Trigger(int depth) => new()
    {
        ["by"] = new JsonObject { ["userId"] = depth > 0 ? "automation" : null },
        ["origin"] = depth > 0 ? "AUTOMATION" : "API",
        ["at"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
    };

    private JsonObject? RunJson(ActionRun? run)
    {
        if (run is null)
        {
            return null;
        }

        var node = JsonNode.Parse(ActionRunJson.Write(run))!.AsObject();
        node.Remove("context");
        node.Remove("owner");
        node["action"] = new JsonObject { ["identifier"] = run.Action, ["title"] = _actions.GetAction(run.Action)?.Title };
        return node;
    }

    private void Schedule(EntityKey key, JsonNode? entity)
    {
        foreach (var automation in _automations.Where(a => a.Trigger.Event!.Type == AutomationEventType.TimerPropertyExpired && a.Trigger.Event.BlueprintIdentifier == key.Blueprint))
        {
            if (_timerIndex.Remove((automation.Identifier, key), out var previous))
            {
                _timers.Remove(previous);
            }

            var value = entity?["properties"]?[automation.Trigger.Event!.PropertyIdentifier!];
            if (value is JsonValue text && text.TryGetValue<string>(out var due)
                && DateTimeOffset.TryParse(due, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var entry = new TimerEntry(at, automation, key, due);
                _timers.Add(entry);
                _timerIndex[(automation.Identifier, key)] = entry;
            }
        }
    }

    private void Rearm()
    {
        if (_timer is null)
        {
            return;
        }

        if (_timers.Count == 0)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var wait = _timers.Min!.Due - Time.GetUtcNow();
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    private static string Hash(JsonNode? before, JsonNode? after)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes((before?.ToJsonString() ?? "null") + "\n" + (after?.ToJsonString() ?? "null"))))[..16];

    private sealed record RunChange(ActionRun? Before, ActionRun After);

    private sealed class TimerTick
    {
        public static TimerTick Instance { get; } = new();
    }

    private sealed record TimerEntry(DateTimeOffset Due, PortAction Automation, EntityKey Key, string Value)
    {
        public static IComparer<TimerEntry> Comparer { get; } = Comparer<TimerEntry>.Create((a, b) =>
        {
            var byDue = a.Due.CompareTo(b.Due);
            if (byDue != 0)
            {
                return byDue;
            }

            var byAutomation = string.CompareOrdinal(a.Automation.Identifier, b.Automation.Identifier);
            return byAutomation != 0 ? byAutomation : string.CompareOrdinal(a.Key.ToString(), b.Key.ToString());
        });
    }
}
