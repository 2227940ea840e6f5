using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Port.Sdk.Actions.Internal;

namespace Port.Sdk.Actions;

/// <summary>Approvals: approving and declining runs, checked against the action's approvers, and the approval notification.</summary>
public sealed partial class PortActions
{
    /// <summary>Approves a run that waits for approval, as a user with no teams or roles (see <see cref="ApproveAsync(string, ActionUser, string?, CancellationToken)"/>).</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="by">Who approves (an email address).</param>
    /// <param name="reason">Why, if given.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run: <c>IN_PROGRESS</c>, or still <c>WAITING_FOR_APPROVAL</c> when other approvers must approve too.</returns>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run does not wait for approval, or this approver has already approved it.</exception>
    /// <exception cref="ActionApprovalException"><paramref name="by"/> is not among the action's approvers.</exception>
    public Task<ActionRun> ApproveAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        return ApproveAsync(id, new ActionUser(by), reason, cancellationToken);
    }

    /// <summary>
    /// Approves a run that waits for approval. When the action has approvers (<see cref="PortActionsOptions.Approvers"/>),
    /// <paramref name="by"/> must be one of them (by email, team or role); with approval type <c>ALL</c> the run waits
    /// until every approver listed has approved. Once approved, the run is invoked.
    /// </summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="by">Who approves.</param>
    /// <param name="reason">Why, if given.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run: <c>IN_PROGRESS</c>, or still <c>WAITING_FOR_APPROVAL</c> when other approvers must approve too.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="by"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run does not wait for approval, or what <paramref name="by"/> approves for has already approved it.</exception>
    /// <exception cref="ActionApprovalException"><paramref name="by"/> is not among the action's approvers.</exception>
    public async Task<ActionRun> ApproveAsync(string id, ActionUser by, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentException.ThrowIfNullOrWhiteSpace(by.Email, nameof(by));
        var run = await MutateAsync(id, run =>
        {
            Waiting(run);
            var approvers = ApproversOf(run.Action);
            var satisfies = Satisfied(approvers, by);
            if (approvers is not null && satisfies.Count == 0)
            {
                throw new ActionApprovalException(run.Id, by.Email);
            }

            var given = run.Approvals.SelectMany(a => a.Satisfies).ToHashSet(StringComparer.Ordinal);
            var newly = satisfies.Where(s => !given.Contains(s)).ToList();
            if (approvers is not null && newly.Count == 0)
            {
                throw new InvalidOperationException($"The run '{run.Id}' has already been approved for {string.Join(", ", satisfies)}; another approver must approve it.");
            }

            var now = Options.TimeProvider.GetUtcNow();
            var decision = new ActionRunApproval(true, by.Email, reason, now) { Satisfies = satisfies };
            var missing = approvers is not null && Find(run.Action)?.Action.ApprovalType == "ALL"
                ? Entries(approvers).Where(e => !given.Contains(e) && !satisfies.Contains(e, StringComparer.Ordinal)).ToList()
                : [];
            var approved = WithLog(run, $"Approved by {by.Email}{(reason is null ? "." : $": {reason}")}", now) with { Approvals = [.. run.Approvals, decision], UpdatedAt = now };
            if (missing.Count > 0)
            {
                return approved with { StatusLabel = Cut($"Waiting for approval by {string.Join(", ", missing)}.") };
            }

            return approved with
            {
                Status = ActionRunStatus.InProgress,
                StatusLabel = null,
                Approval = decision,
                Owner = Owner,
            };
        }, cancellationToken).ConfigureAwait(false);
        if (run.Status != ActionRunStatus.InProgress)
        {
            return run;
        }

        if (Find(run.Action) is { } registered)
        {
            Start(registered, run);
        }
        else
        {
            run = await FailAsync(run.Id, $"The action '{run.Action}' is not registered in this process.", CancellationToken.None).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>Declines a run that waits for approval, as a user with no teams or roles (see <see cref="DeclineAsync(string, ActionUser, string?, CancellationToken)"/>).</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="by">Who declines (an email address).</param>
    /// <param name="reason">Why, if given.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run, now <c>DECLINED</c>.</returns>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run does not wait for approval.</exception>
    /// <exception cref="ActionApprovalException"><paramref name="by"/> is not among the action's approvers.</exception>
    public Task<ActionRun> DeclineAsync(string id, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        return DeclineAsync(id, new ActionUser(by), reason, cancellationToken);
    }

    /// <summary>
    /// Declines a run that waits for approval; it ends <c>DECLINED</c> and is never invoked. When the action has
    /// approvers, <paramref name="by"/> must be one of them; one decline is enough, whatever the approval type.
    /// </summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="by">Who declines.</param>
    /// <param name="reason">Why, if given.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run, now <c>DECLINED</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="by"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run does not wait for approval.</exception>
    /// <exception cref="ActionApprovalException"><paramref name="by"/> is not among the action's approvers.</exception>
    public Task<ActionRun> DeclineAsync(string id, ActionUser by, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentException.ThrowIfNullOrWhiteSpace(by.Email, nameof(by));
        return MutateAsync(id, run =>
        {
            Waiting(run);
            var approvers = ApproversOf(run.Action);
            var satisfies = Satisfied(approvers, by);
            if (approvers is not null && satisfies.Count == 0)
            {
                throw new ActionApprovalException(run.Id, by.Email);
            }

            var now = Options.TimeProvider.GetUtcNow();
            var decision = new ActionRunApproval(false, by.Email, reason, now) { Satisfies = satisfies };
            return WithLog(run, $"Declined by {by.Email}{(reason is null ? "." : $": {reason}")}", now) with
            {
                Status = ActionRunStatus.Declined,
                StatusLabel = reason is null ? $"Declined by {by.Email}." : Cut($"Declined by {by.Email}: {reason}"),
                Approval = decision,
                Approvals = [.. run.Approvals, decision],
                EndedAt = now,
                UpdatedAt = now,
            };
        }, cancellationToken);
    }

    private ActionApprovers? ApproversOf(string action)
        => Options.Approvers.TryGetValue(action, out var approvers) && !approvers.IsEmpty ? approvers : null;

    private static List<string> Satisfied(ActionApprovers? approvers, ActionUser user)
    {
        if (approvers is null)
        {
            return [];
        }

        var entries = new List<string>();
        if (approvers.Users.Contains(user.Email, StringComparer.OrdinalIgnoreCase))
        {
            entries.Add($"user:{approvers.Users.First(u => string.Equals(u, user.Email, StringComparison.OrdinalIgnoreCase))}");
        }

        entries.AddRange(approvers.Teams.Where(t => user.Teams.Contains(t, StringComparer.Ordinal)).Select(t => $"team:{t}"));
        entries.AddRange(approvers.Roles.Where(r => user.Roles.Contains(r, StringComparer.Ordinal)).Select(r => $"role:{r}"));
        return entries;
    }

    private static IEnumerable<string> Entries(ActionApprovers approvers)
        => approvers.Users.Select(u => $"user:{u}").Concat(approvers.Teams.Select(t => $"team:{t}")).Concat(approvers.Roles.Select(r => $"role:{r}"));

    private static void Waiting(ActionRun run)
    {
        if (run.Status != ActionRunStatus.WaitingForApproval)
        {
            throw new InvalidOperationException($"The run '{run.Id}' does not wait for approval (it is {run.Status}).");
        }
    }

    /// <summary>Posts the approval notification of a run that waits for approval, in the background; the outcome goes in the run's log.</summary>
    private void NotifyApprovers(PortAction action, ActionRun run)
    {
        if (action.ApprovalNotification is not { } notification)
        {
            return;
        }

        var key = run.Id + "/approval-notification";
        var task = Task.Run(() => SendApprovalNotificationAsync(action, notification, run, _stopping.Token));
        _running[key] = task;
        _ = task.ContinueWith(t => _running.TryRemove(new KeyValuePair<string, Task>(key, t)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task SendApprovalNotificationAsync(PortAction action, ActionApprovalNotification notification, ActionRun run, CancellationToken cancellationToken)
    {
        var approvers = ApproversOf(action.Identifier);
        var runUrl = RunNode(run.Id)["url"]?.GetValue<string>();
        JsonNode payload = notification.Format == "slack"
            ? new JsonObject
            {
                ["text"] = $"Run {run.Id} of '{action.Title ?? action.Identifier}'{(run.Caller is null ? string.Empty : $" by {run.Caller}")} waits for approval"
                    + (approvers is null ? "." : $" by {(action.ApprovalType == "ALL" ? "all of" : "one of")} {string.Join(", ", Entries(approvers))}.")
                    + (runUrl is null ? string.Empty : $" <{runUrl}|Open the run>"),
            }
            : new JsonObject
            {
                ["type"] = "APPROVAL_REQUESTED",
                ["action"] = new JsonObject { ["identifier"] = action.Identifier, ["title"] = action.Title },
                ["approvalType"] = action.ApprovalType ?? "ANY",
                ["approvers"] = approvers is null ? null : new JsonObject
                {
                    ["users"] = new JsonArray([.. approvers.Users.Select(u => (JsonNode?)u)]),
                    ["teams"] = new JsonArray([.. approvers.Teams.Select(t => (JsonNode?)t)]),
                    ["roles"] = new JsonArray([.. approvers.Roles.Select(r => (JsonNode?)r)]),
                },
                ["run"] = JsonNode.Parse(ActionRunJson.Write(run)),
                ["runUrl"] = runUrl,
            };
        var body = payload.ToJsonString(BodyOptions);
        string outcome;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, notification.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (Options.WebhookSecret is { } secret)
            {
                var timestamp = Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
                request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
            }

            using var timeout = new CancellationTokenSource(Options.WebhookTimeout, Options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await _httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            outcome = response.IsSuccessStatusCode
                ? $"The approval notification was sent to {notification.Url.GetLeftPart(UriPartial.Path)} ({(int)response.StatusCode})."
                : $"The approval notification to {notification.Url.GetLeftPart(UriPartial.Path)} failed: it answered {(int)response.StatusCode} ({response.ReasonPhrase}).";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            outcome = $"The approval notification to {notification.Url.GetLeftPart(UriPartial.Path)} failed: {(ex is OperationCanceledException ? $"no answer within {Options.WebhookTimeout.TotalSeconds:0.###} s" : ex.Message)}.";
        }

        Log.ApprovalNotified(_logger, run.Id, action.Identifier, outcome);
        await MutateAsync(run.Id, r => WithLog(r, outcome, Options.TimeProvider.GetUtcNow()) with { UpdatedAt = Options.TimeProvider.GetUtcNow() }, CancellationToken.None).ConfigureAwait(false);
    }
}
