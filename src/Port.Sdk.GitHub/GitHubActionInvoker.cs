using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Octokit;
using Port.Sdk.Actions;

namespace Port.Sdk.GitHub;

/// <summary>
/// Runs actions whose invocation method is <c>GITHUB</c>: dispatches the workflow (<c>workflow_dispatch</c>) with the
/// rendered <c>workflowInputs</c> through the GitHub integration's client, then, when <c>reportWorkflowStatus</c> is
/// <see langword="true"/> (the default), follows the workflow run: its <c>html_url</c> becomes the run's link, and the
/// run ends in <c>SUCCESS</c> when it concludes <c>success</c>, in <c>FAILURE</c> otherwise.
/// </summary>
/// <remarks>
/// The <c>ref</c> key of the inputs is the branch or tag dispatched (<see cref="GitHubActionsOptions.DefaultRef"/>
/// without one); it is not sent as an input. Strings, numbers and booleans are sent as they are, objects and arrays
/// as their JSON text (read them in the workflow with <c>fromJson(inputs.port_context)</c>), and <c>null</c>s are
/// left out. GitHub's dispatch answers no run identifier, so the run followed is the oldest <c>workflow_dispatch</c>
/// run of the workflow created since the dispatch that no other run of this process follows, preferring one whose
/// title contains the action run's identifier (set the workflow's <c>run-name</c> from an input carrying
/// <c>{{ .run.id }}</c> to make the match exact when the workflow is also dispatched from elsewhere).
/// </remarks>
public sealed class GitHubActionInvoker : IActionInvoker
{
    private const int MaxInputs = 10;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);
    private readonly GitHubIntegration _integration;
    private readonly GitHubActionsOptions _options;
    private readonly ConcurrentDictionary<long, string> _followed = new();

    /// <summary>Initializes a new instance of the <see cref="GitHubActionInvoker"/> class.</summary>
    /// <param name="integration">The GitHub integration whose client (credentials, retries, rate limits) dispatches the workflows.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="integration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public GitHubActionInvoker(GitHubIntegration integration, GitHubActionsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(integration);
        _integration = integration;
        _options = options ?? new GitHubActionsOptions();
        var errors = new List<string>();
        if (_options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"The field PollInterval must be positive, was '{_options.PollInterval}'.");
        }

        if (_options.RunLookupTimeout <= TimeSpan.Zero)
        {
            errors.Add($"The field RunLookupTimeout must be positive, was '{_options.RunLookupTimeout}'.");
        }

        if (_options.MaxRunDuration <= TimeSpan.Zero)
        {
            errors.Add($"The field MaxRunDuration must be positive, was '{_options.MaxRunDuration}'.");
        }

        if (string.IsNullOrWhiteSpace(_options.DefaultRef))
        {
            errors.Add($"The field DefaultRef must not be empty, was '{_options.DefaultRef}'.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"The 'GitHubActionsOptions' are invalid.{Environment.NewLine}Validation Errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}", nameof(options));
        }
    }

    /// <inheritdoc/>
    /// <value><c>GITHUB</c>.</value>
    public string Type => "GITHUB";

    /// <inheritdoc/>
    public async Task InvokeAsync(ActionContext context, JsonElement? payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.Action.InvocationMethod;
        var (org, repo, workflow) = (method.Org!, method.Repo!, method.Workflow!);
        var where = $"workflow '{workflow}' of '{org}/{repo}'";
        var (reference, inputs) = Inputs(payload, where);
        var dispatch = new CreateWorkflowDispatch(reference) { Inputs = inputs };
        var time = _options.TimeProvider ?? _integration.TimeProvider;
        var dispatchedAt = time.GetUtcNow();
        try
        {
            await _integration.Client.Actions.Workflows.CreateDispatch(org, repo, workflow, dispatch).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException ex)
        {
            throw new PortException($"GitHub answered 404 (Not Found) to the dispatch of {where} on '{reference}': the repository or the workflow file does not exist, or the credentials cannot see it (they need the 'actions: write' permission).", ex);
        }
        catch (ApiException ex)
        {
            throw new PortException($"GitHub refused the dispatch of {where} on '{reference}': {(int)ex.StatusCode} ({ex.StatusCode}) {ex.Message}", ex);
        }

        var dispatched = $"Dispatched {where} on '{reference}' with {inputs.Count} input(s).";
        if (!method.ReportWorkflowStatus)
        {
            await context.ReportAsync(new ActionRunUpdate { StatusLabel = "Workflow dispatched; waiting for it to report the run's status." }, cancellationToken).ConfigureAwait(false);
            await context.LogAsync($"{dispatched} 'reportWorkflowStatus' is false: the workflow reports the run's status.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await context.LogAsync(dispatched, cancellationToken).ConfigureAwait(false);
        var run = await FindRunAsync(context, where, dispatchedAt, time, cancellationToken).ConfigureAwait(false);
        try
        {
            await context.ReportAsync(new ActionRunUpdate { Link = [run.HtmlUrl], StatusLabel = $"Workflow run #{run.Number}: {run.Status}." }, cancellationToken).ConfigureAwait(false);
            await context.LogAsync($"Following workflow run {run.Id} ({run.HtmlUrl}).", cancellationToken).ConfigureAwait(false);
            var deadline = time.GetUtcNow() + _options.MaxRunDuration;
            var path = $"repos/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(repo)}/actions/runs/{run.Id}";
            while (run.Status != "completed")
            {
                if (time.GetUtcNow() >= deadline)
                {
                    throw new PortException($"Workflow run {run.Id} of {where} did not complete within {_options.MaxRunDuration} ({run.HtmlUrl}); it was left running.");
                }

                await Task.Delay(_options.PollInterval, time, cancellationToken).ConfigureAwait(false);
                run = WorkflowRunInfo.Read(await _integration.GetJsonAsync(path, null, cancellationToken).ConfigureAwait(false));
            }

            var conclusion = run.Conclusion ?? "none";
            var success = conclusion == "success";
            await context.LogAsync($"Workflow run {run.Id} concluded '{conclusion}'.", cancellationToken).ConfigureAwait(false);
            await context.ReportAsync(new ActionRunUpdate
            {
                Status = success ? ActionRunStatus.Success : ActionRunStatus.Failure,
                StatusLabel = success ? $"Workflow run #{run.Number} succeeded." : $"Workflow run #{run.Number} concluded '{conclusion}'.",
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _followed.TryRemove(run.Id, out _);
        }
    }

    private async Task<WorkflowRunInfo> FindRunAsync(ActionContext context, string where, DateTimeOffset dispatchedAt, TimeProvider time, CancellationToken cancellationToken)
    {
        var method = context.Action.InvocationMethod;
        var path = $"repos/{Uri.EscapeDataString(method.Org!)}/{Uri.EscapeDataString(method.Repo!)}/actions/workflows/{Uri.EscapeDataString(method.Workflow!)}/runs";
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["event"] = "workflow_dispatch",
            ["created"] = ">=" + (dispatchedAt - ClockSkew).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["per_page"] = "100",
        };
        var deadline = dispatchedAt + _options.RunLookupTimeout;
        while (true)
        {
            var page = await _integration.GetJsonAsync(path, query, cancellationToken).ConfigureAwait(false);
            var runs = page.TryGetProperty("workflow_runs", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(WorkflowRunInfo.Read) : [];
            var candidates = runs
                .Where(r => r.CreatedAt >= dispatchedAt - ClockSkew && !_followed.ContainsKey(r.Id))
                .OrderByDescending(r => r.Title?.Contains(context.Run.Id, StringComparison.Ordinal) == true)
                .ThenBy(r => r.Id);
            foreach (var candidate in candidates)
            {
                if (_followed.TryAdd(candidate.Id, context.Run.Id))
                {
                    return candidate;
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new PortException($"{char.ToUpperInvariant(where[0])}{where[1..]} was dispatched, but no run of it appeared within {_options.RunLookupTimeout}; check the repository's Actions tab.");
            }

            await Task.Delay(_options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private (string Ref, Dictionary<string, object> Inputs) Inputs(JsonElement? payload, string where)
    {
        var reference = _options.DefaultRef;
        var inputs = new Dictionary<string, object>(StringComparer.Ordinal);
        if (payload is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return (reference, inputs);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new PortException($"The 'workflowInputs' of {where} rendered to {value.ValueKind.ToString().ToLowerInvariant()}, not an object of inputs by name.");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Name == "ref")
            {
                reference = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } r
                    ? r
                    : throw new PortException($"The 'ref' of the 'workflowInputs' of {where} must be a non-empty string (a branch or tag), found {property.Value.GetRawText()}.");
                continue;
            }

            object? input = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when property.Value.TryGetInt64(out var integer) => integer,
                JsonValueKind.Number => property.Value.GetDouble(),
                _ => property.Value.GetRawText(),
            };
            if (input is not null)
            {
                inputs[property.Name] = input;
            }
        }

        if (inputs.Count > MaxInputs)
        {
            throw new PortException($"The 'workflowInputs' of {where} have {inputs.Count} inputs; GitHub accepts at most {MaxInputs} (pass several values as one JSON object input).");
        }

        return (reference, inputs);
    }
}

/// <summary>What the invoker reads of a workflow run.</summary>
internal sealed record WorkflowRunInfo(long Id, long Number, string Status, string? Conclusion, string HtmlUrl, DateTimeOffset CreatedAt, string? Title)
{
    public static WorkflowRunInfo Read(JsonElement run)
    {
        string? Text(string name) => run.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new WorkflowRunInfo(
            run.GetProperty("id").GetInt64(),
            run.TryGetProperty("run_number", out var number) && number.ValueKind == JsonValueKind.Number ? number.GetInt64() : 0,
            Text("status") ?? "unknown",
            Text("conclusion"),
            Text("html_url") ?? string.Empty,
            DateTimeOffset.TryParse(Text("created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : DateTimeOffset.MinValue,
            Text("display_title") ?? Text("name"));
    }
}
