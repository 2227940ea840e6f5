using System.Text.Json;

namespace Port.Sdk.Actions.Tests;

public sealed class ApprovalTests
{
    private const string Deploy = """
        {
          "identifier": "deploy_prod",
          "title": "Deploy to production",
          "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": {} } },
          "invocationMethod": { "type": "WEBHOOK", "url": "https://example.com" },
          "requiredApproval": { "type": "TYPE" }
        }
        """;

    private static PortAction Action(string type, string? notification = null)
        => PortAction.Parse(Deploy.Replace("TYPE", type, StringComparison.Ordinal).Replace("\"requiredApproval\"", notification is null ? "\"requiredApproval\"" : $"\"approvalNotification\": {notification},\n  \"requiredApproval\"", StringComparison.Ordinal));

    [Fact]
    public async Task Approve_AllType_WaitsForEveryApproverThenRuns()
    {
        var invoked = 0;
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(Action("ALL"));
            o.Handlers["deploy_prod"] = new Handler(() => Interlocked.Increment(ref invoked));
            o.Approvers["deploy_prod"] = ActionApprovers.Parse("""{ "execute": { "roles": ["Member"] }, "approve": { "users": ["lead@example.com"], "teams": ["platform"] } }""");
        });

        var run = await harness.Actions.InvokeAsync("deploy_prod", new ActionInvocation { Caller = "dev@example.com" }, harness.Token);
        var outsider = await Assert.ThrowsAsync<ActionApprovalException>(() => harness.Actions.ApproveAsync(run.Id, new ActionUser("dev@example.com") { Teams = ["payments"] }, cancellationToken: harness.Token));
        var first = await harness.Actions.ApproveAsync(run.Id, "Lead@example.com", "ok from me", harness.Token);
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Actions.ApproveAsync(run.Id, "lead@example.com", cancellationToken: harness.Token));
        var second = await harness.Actions.ApproveAsync(run.Id, new ActionUser("sre@example.com") { Teams = ["platform"] }, cancellationToken: harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        Assert.Equal($"'dev@example.com' is not an approver of the run '{run.Id}'.", outsider.Message);
        Assert.Equal((run.Id, "dev@example.com"), (outsider.RunId, outsider.User));
        Assert.Equal((ActionRunStatus.WaitingForApproval, "Waiting for approval by team:platform."), (first.Status, first.StatusLabel));
        Assert.Null(first.Approval);
        Assert.Equal($"The run '{run.Id}' has already been approved for user:lead@example.com; another approver must approve it.", again.Message);
        Assert.Equal(ActionRunStatus.InProgress, second.Status);
        Assert.Equal(ActionRunStatus.Success, done.Status);
        Assert.Equal([("Lead@example.com", "user:lead@example.com"), ("sre@example.com", "team:platform")], done.Approvals.Select(a => (a.By, string.Join(",", a.Satisfies))));
        Assert.Equal("sre@example.com", done.Approval!.By);
        Assert.Equal(1, invoked);
    }

    [Fact]
    public async Task Approve_AnyType_OneTeamMemberIsEnough_OutsiderCannotDecline()
    {
        var invoked = 0;
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(Action("ANY"));
            o.Handlers["deploy_prod"] = new Handler(() => Interlocked.Increment(ref invoked));
            o.Approvers["deploy_prod"] = new ActionApprovers { Users = ["lead@example.com"], Teams = ["platform"], Roles = ["Admin"] };
        });

        var approvedRun = await harness.Actions.InvokeAsync("deploy_prod", cancellationToken: harness.Token);
        var declinedRun = await harness.Actions.InvokeAsync("deploy_prod", cancellationToken: harness.Token);
        var approved = await harness.Actions.ApproveAsync(approvedRun.Id, new ActionUser("ops@example.com") { Roles = ["Admin"] }, cancellationToken: harness.Token);
        await harness.Actions.WaitForRunAsync(approvedRun.Id, cancellationToken: harness.Token);
        await Assert.ThrowsAsync<ActionApprovalException>(() => harness.Actions.DeclineAsync(declinedRun.Id, "someone@example.com", "no", harness.Token));
        var declined = await harness.Actions.DeclineAsync(declinedRun.Id, new ActionUser("sre@example.com") { Teams = ["platform"] }, "not during the freeze", harness.Token);

        Assert.Equal(ActionRunStatus.InProgress, approved.Status);
        Assert.Equal(["role:Admin"], approved.Approval!.Satisfies);
        Assert.Equal((ActionRunStatus.Declined, "Declined by sre@example.com: not during the freeze"), (declined.Status, declined.StatusLabel));
        Assert.Equal([false], declined.Approvals.Select(a => a.Approved));
        Assert.Equal(1, invoked);
    }

    [Fact]
    public async Task Approve_AllTypeWithoutApprovers_OneDecisionAsBefore()
    {
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(Action("ALL"));
            o.Handlers["deploy_prod"] = new Handler(() => { });
        });

        var run = await harness.Actions.InvokeAsync("deploy_prod", cancellationToken: harness.Token);
        var approved = await harness.Actions.ApproveAsync(run.Id, "anyone@example.com", cancellationToken: harness.Token);

        Assert.Equal(ActionRunStatus.InProgress, approved.Status);
        Assert.Empty(approved.Approval!.Satisfies);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("slack")]
    public async Task Invoke_ApprovalNotification_PostsSignedNotificationOverHttp(string format)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(Action("ALL", $$"""{ "type": "webhook", "format": "{{format}}", "url": "{{receiver.BaseAddress}}approvals" }"""));
            o.Handlers["deploy_prod"] = new Handler(() => { });
            o.Approvers["deploy_prod"] = new ActionApprovers { Users = ["lead@example.com"], Teams = ["platform"] };
            o.WebhookSecret = "s3cret";
            o.RunUrlBase = new Uri("https://port.example.com/runs/");
        });

        var run = await harness.Actions.InvokeAsync("deploy_prod", new ActionInvocation { Caller = "dev@example.com" }, harness.Token);
        var request = await receiver.First.Task.WaitAsync(harness.Token);
        var logged = await WaitForLogAsync(harness, run.Id);

        Assert.Equal(("POST", "/approvals"), (request.Method, request.Path));
        Assert.True(WebhookSignature.Verify("s3cret", request.Headers[WebhookSignature.TimestampHeader], request.Body, request.Headers[WebhookSignature.SignatureHeader]));
        using var body = JsonDocument.Parse(request.Body);
        if (format == "slack")
        {
            Assert.Equal($"Run {run.Id} of 'Deploy to production' by dev@example.com waits for approval by all of user:lead@example.com, team:platform. <https://port.example.com/runs/{run.Id}|Open the run>", body.RootElement.GetProperty("text").GetString());
        }
        else
        {
            Assert.Equal("APPROVAL_REQUESTED", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(run.Id, body.RootElement.GetProperty("run").GetProperty("id").GetString());
            Assert.Equal("WAITING_FOR_APPROVAL", body.RootElement.GetProperty("run").GetProperty("status").GetString());
            Assert.Equal("ALL", body.RootElement.GetProperty("approvalType").GetString());
            Assert.Equal("platform", body.RootElement.GetProperty("approvers").GetProperty("teams")[0].GetString());
        }

        Assert.Equal($"The approval notification was sent to {receiver.BaseAddress}approvals (200).", logged);
    }

    [Fact]
    public void Parse_BadApprovalNotificationAndApprovers_ErrorsWithPointers()
    {
        var action = Assert.Throws<ActionDefinitionException>(() => Action("ANY", """{ "type": "webhook", "format": "xml", "url": "not a url" }"""));
        var approvers = Assert.Throws<ActionDefinitionException>(() => ActionApprovers.Parse("""{ "approve": { "users": "lead@example.com", "team": ["x"] } }"""));

        Assert.Equal(
            ["/approvalNotification/format: 'xml' is not a valid 'format'; expected one of json, slack", "/approvalNotification/url: 'not a url' is not an absolute http or https URL"],
            action.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(
            ["/approve/team: 'team' is not a key Port knows here; expected one of users, teams, roles, policy", "/approve/users: 'users' must be an array of strings"],
            approvers.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    private static async Task<string> WaitForLogAsync(ActionsHarness harness, string id)
    {
        // Moving the watch once subscribes it, so a log written after the store is read below is not missed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(harness.Token);
        await using var changes = harness.Actions.WatchRunsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = changes.MoveNextAsync();
        try
        {
            if ((await harness.Actions.GetRunAsync(id, harness.Token))!.Logs is { Count: > 0 } logs)
            {
                return logs[^1].Message;
            }

            while (await next)
            {
                if (changes.Current.Id == id && changes.Current.Logs.Count > 0)
                {
                    return changes.Current.Logs[^1].Message;
                }

                next = changes.MoveNextAsync();
            }

            throw new InvalidOperationException("The run was never logged.");
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private sealed class Handler(Action callback) : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken)
        {
            callback();
            return Task.CompletedTask;
        }
    }
}
