using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Actions.Internal;

namespace Port.Sdk.Actions;

/// <summary>Invoking runs: the .NET handler, the webhook, the entity upsert and the registered invokers.</summary>
public sealed partial class PortActions
{
    private static readonly JsonSerializerOptions BodyOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine() };

    private void Start(Registered registered, ActionRun run)
    {
        var task = Task.Run(() => ExecuteAsync(registered, run.Id, _stopping.Token));
        _running[run.Id] = task;
        _ = task.ContinueWith(t => _running.TryRemove(new KeyValuePair<string, Task>(run.Id, t)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ExecuteAsync(Registered registered, string id, CancellationToken cancellationToken)
    {
        try
        {
            var run = await MutateAsync(id, r => r with { Attempts = r.Attempts + 1, Owner = Owner }, cancellationToken).ConfigureAwait(false);
            var context = run.Context is { } saved ? JsonNode.Parse(saved.GetRawText())!.AsObject() : [];
            if (registered.Handler is { } handler)
            {
                var entity = context["entity"] is JsonObject e ? PortJson.ReadEntity(e.ToJsonString()) : null;
                await handler.HandleAsync(new ActionContext(this, registered.Action, run, run.Inputs ?? ToElement(new JsonObject()), ToElement(context), entity), cancellationToken).ConfigureAwait(false);
                await MutateAsync(id, r => r.IsTerminal ? r : r with { Status = ActionRunStatus.Success, Owner = null, EndedAt = Options.TimeProvider.GetUtcNow(), UpdatedAt = Options.TimeProvider.GetUtcNow() }, CancellationToken.None).ConfigureAwait(false);
            }
            else if (registered.Action.InvocationMethod.Type == "WEBHOOK")
            {
                await WebhookAsync(registered.Action, run, context, cancellationToken).ConfigureAwait(false);
            }
            else if (Options.Invokers.TryGetValue(registered.Action.InvocationMethod.Type, out var invoker))
            {
                await InvokerAsync(invoker, registered.Action, run, context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UpsertAsync(registered.Action, run, context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the run keeps this process as its owner, so the next start recovers it.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await FailAsync(id, ex is PortException or JsonException or HttpRequestException ? ex.Message : $"The handler failed: {ex.GetType().Name}: {ex.Message}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WebhookAsync(PortAction action, ActionRun run, JsonObject context, CancellationToken cancellationToken)
    {
        var method = action.InvocationMethod;
        var compiled = action.Compiled;
        var jq = JqOptions(cancellationToken);
        var urlText = compiled.Url!.Render(context, jq, "/invocationMethod/url") is JsonValue u && u.TryGetValue<string>(out var s) ? s : null;
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new PortException($"The webhook URL '{urlText}' is not an absolute http or https URL.");
        }

        var headers = compiled.Headers.Select(h => (h.Key, Value: h.Value.Render(context, jq, $"/invocationMethod/headers/{JsonPositions.Escape(h.Key)}") switch
        {
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            null => string.Empty,
            var other => other.ToJsonString(),
        })).ToList();
        // Written as Port writes JSON: characters such as ` and < unescaped (what the signature covers is what is sent).
        var body = (compiled.Body?.Render(context, jq, "/invocationMethod/body") ?? context).ToJsonString(BodyOptions);
        var where = url.GetLeftPart(UriPartial.Path);
        var maxAttempts = Math.Max(1, Options.WebhookMaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            using var request = new HttpRequestMessage(new HttpMethod(method.Method), url);
            if (method.Method is not ("GET" or "DELETE") || compiled.Body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            foreach (var (name, value) in headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content?.Headers.Remove(name);
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }

            if (Options.WebhookSecret is { } secret)
            {
                var timestamp = Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
                request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
            }

            using var timeout = new CancellationTokenSource(Options.WebhookTimeout, Options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                using var response = await _httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                var answered = $"{method.Method} {where} answered {code} ({response.ReasonPhrase}).";
                if (response.IsSuccessStatusCode)
                {
                    await CompleteWebhookAsync(run.Id, method.Synchronized, answered).ConfigureAwait(false);
                    return;
                }

                if (code is not (408 or 429 or 502 or 503 or 504) || attempt >= maxAttempts)
                {
                    await FailAsync(run.Id, $"The webhook failed: {answered}", CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                failure = $"{code} {response.ReasonPhrase}";
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Not retried: the backend may have received the request and acted on it.
                await FailAsync(run.Id, $"The webhook did not answer within {Options.WebhookTimeout.TotalSeconds:0.###} s ({method.Method} {where}).", CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException ex) when (attempt < maxAttempts)
            {
                failure = ex.HttpRequestError.ToString();
            }

            var delay = retryAfter is { } asked && asked > TimeSpan.Zero
                ? TimeSpan.FromTicks(Math.Min(asked.Ticks, TimeSpan.FromMinutes(1).Ticks))
                : Options.WebhookRetryDelay * Math.Pow(2, attempt - 1);
            Log.WebhookRetried(_logger, run.Id, failure, attempt + 1, maxAttempts, delay.TotalSeconds);
            await MutateAsync(run.Id, r => WithLog(r, $"{method.Method} {where} failed transiently ({failure}); attempt {attempt + 1} of {maxAttempts} in {delay.TotalSeconds:0.###} s.", Options.TimeProvider.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
            await Task.Delay(delay, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InvokerAsync(IActionInvoker invoker, PortAction action, ActionRun run, JsonObject context, CancellationToken cancellationToken)
    {
        var (template, pointer) = action.InvocationMethod.Type == "GITHUB"
            ? (action.Compiled.WorkflowInputs, "/invocationMethod/workflowInputs")
            : (action.Compiled.Body, "/invocationMethod/payload");
        JsonElement? payload = template is null ? null : ToElement(template.Render(context, JqOptions(cancellationToken), pointer));
        var entity = context["entity"] is JsonObject e ? PortJson.ReadEntity(e.ToJsonString()) : null;
        await invoker.InvokeAsync(new ActionContext(this, action, run, run.Inputs ?? ToElement(new JsonObject()), ToElement(context), entity), payload, cancellationToken).ConfigureAwait(false);
        // Not ended by the invoker: the backend reports the status, so the run no longer belongs to this process.
        await MutateAsync(run.Id, r => r.IsTerminal ? r : r with { Owner = null, UpdatedAt = Options.TimeProvider.GetUtcNow() }, CancellationToken.None).ConfigureAwait(false);
    }

    private Task<ActionRun> CompleteWebhookAsync(string id, bool synchronized, string answered)
        => MutateAsync(id, r =>
        {
            var now = Options.TimeProvider.GetUtcNow();
            var logged = WithLog(r, synchronized ? answered : $"{answered} Waiting for the backend to report the run's status.", now);
            return r.IsTerminal ? logged : synchronized
                ? logged with { Status = ActionRunStatus.Success, Owner = null, EndedAt = now, UpdatedAt = now }
                : logged with { Owner = null, UpdatedAt = now };
        }, CancellationToken.None);

    private async Task UpsertAsync(PortAction action, ActionRun run, JsonObject context, CancellationToken cancellationToken)
    {
        var method = action.InvocationMethod;
        if (action.Compiled.Mapping!.Render(context, JqOptions(cancellationToken), "/invocationMethod/mapping") is not JsonObject mapping)
        {
            throw new PortException("The UPSERT_ENTITY mapping did not produce an object.");
        }

        if (mapping["identifier"] is not JsonValue identifier || identifier.GetValueKind() != JsonValueKind.String || identifier.GetValue<string>().Length == 0)
        {
            throw new PortException($"The UPSERT_ENTITY mapping produced no entity identifier ('identifier' is {mapping["identifier"]?.ToJsonString() ?? "null"}).");
        }

        mapping["blueprint"] = method.BlueprintIdentifier;
        if (mapping["relations"] is JsonObject relations)
        {
            // Entity inputs are entities in templates; a relation takes their identifiers.
            foreach (var (name, value) in relations.ToList())
            {
                relations[name] = value switch
                {
                    JsonObject entity when entity["identifier"] is JsonValue id => id.DeepClone(),
                    JsonArray items => new JsonArray([.. items.Select(i => i is JsonObject o && o["identifier"] is JsonValue id ? id.DeepClone() : i?.DeepClone())]),
                    _ => value?.DeepClone(),
                };
            }
        }

        var written = PortJson.ReadEntity(mapping.ToJsonString());
        _automations?.NoteCause(new EntityKey(written.Blueprint, written.Identifier), run.Depth + 1);
        try
        {
            await Catalog.UpsertEntitiesAsync([written], new EntityWriteOptions { Merge = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogValidationException)
        {
            _automations?.ForgetCause(new EntityKey(written.Blueprint, written.Identifier));
            throw;
        }

        await MutateAsync(run.Id, r =>
        {
            var now = Options.TimeProvider.GetUtcNow();
            return WithLog(r, $"Upserted entity '{written.Identifier}' of blueprint '{written.Blueprint}'.", now) with { Status = ActionRunStatus.Success, Owner = null, EndedAt = now, UpdatedAt = now };
        }, CancellationToken.None).ConfigureAwait(false);
    }
}
