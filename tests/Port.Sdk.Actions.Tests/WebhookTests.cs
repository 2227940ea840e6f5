using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Port.Sdk.Actions.Tests;

public sealed class WebhookTests
{
    private const string Secret = "client-secret";

    private static string Scaffold(Uri url, bool synchronized = true) => $$$"""
        {
          "identifier": "scaffold_service",
          "title": "Scaffold a service",
          "trigger": {
            "type": "self-service",
            "operation": "CREATE",
            "userInputs": {
              "properties": {
                "name": { "type": "string", "maxLength": 30 },
                "replicas": { "type": "number", "default": 2 },
                "language": { "type": "string", "enum": ["csharp", "go"] }
              },
              "required": ["name"]
            }
          },
          "invocationMethod": {
            "type": "WEBHOOK",
            "url": "{{{url}}}hooks/{{ .inputs.name }}",
            "synchronized": {{{(synchronized ? "true" : "false")}}},
            "method": "POST",
            "headers": { "RUN_ID": "{{ .run.id }}" },
            "body": {
              "name": "{{ .inputs.name }}",
              "replicas": "{{ .inputs.replicas }}",
              "summary": "{{ .inputs.name }} x{{ .inputs.replicas }} by {{ .trigger.by.user.email }}",
              "runId": "{{ .run.id }}"
            }
          }
        }
        """;

    [Fact]
    public async Task Invoke_Webhook_ReceivesTemplatedBodySignedLikePort_SyncRunSucceeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.WebhookSecret = Secret;
            o.Actions.Add(PortAction.Parse(Scaffold(receiver.BaseAddress)));
        });

        var run = await harness.Actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "payments-api" }"""), Caller = "jane@example.com" }, harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", "/hooks/payments-api"), (request.Method, request.Path));
        Assert.Equal($$"""{"name":"payments-api","replicas":2,"summary":"payments-api x2 by jane@example.com","runId":"{{run.Id}}"}""", request.Body);
        Assert.Equal(run.Id, request.Headers["RUN_ID"]);

        // Verified as Port's docs verify it (signature-verification.md): HMAC-SHA-256 of "{timestamp}.{body}", Base64, "v1," prefix.
        var timestamp = request.Headers["x-port-timestamp"];
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        Assert.Equal(expected, request.Headers["x-port-signature"].Split(',')[1]);
        Assert.StartsWith("v1,", request.Headers["x-port-signature"]);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, request.Body, request.Headers["x-port-signature"]));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, request.Body + " ", request.Headers["x-port-signature"]));

        Assert.Equal(ActionRunStatus.Success, done.Status);
        Assert.Equal("""{"name":"payments-api","replicas":2}""", done.Inputs!.Value.GetRawText().Replace(" ", string.Empty));
        Assert.Equal(("jane@example.com", "API", 1), (done.Caller, done.Source, done.Attempts));
        Assert.NotNull(done.EndedAt);
        Assert.Null(done.Owner);
        Assert.Contains(done.Logs, l => l.Message == $"POST {receiver.BaseAddress}hooks/payments-api answered 200 (OK).");
    }

    [Fact]
    public async Task Invoke_SlowWebhook_FailsAfterTheTimeout_NotRetried()
    {
        var release = new TaskCompletionSource();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = async (_, context) =>
        {
            await release.Task.WaitAsync(context.RequestAborted);
            return 200;
        };
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.WebhookTimeout = TimeSpan.FromSeconds(2);
            o.Actions.Add(PortAction.Parse(Scaffold(receiver.BaseAddress)));
        });

        var run = await harness.Actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "slow" }""") }, harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);
        await receiver.First.Task.WaitAsync(harness.Token);
        release.TrySetResult();

        Assert.Equal(ActionRunStatus.Failure, done.Status);
        Assert.Equal($"The webhook did not answer within 2 s (POST {receiver.BaseAddress}hooks/slow).", done.StatusLabel);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Invoke_TransientFailures_Retried_PermanentFailureNot()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (n, context) => Task.FromResult(context.Request.Path.Value!.EndsWith("flaky", StringComparison.Ordinal) && n < 3 ? 503 : context.Request.Path.Value!.EndsWith("bad", StringComparison.Ordinal) ? 400 : 200);
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(Scaffold(receiver.BaseAddress))));

        var flaky = await harness.Actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "flaky" }""") }, harness.Token);
        var flakyDone = await harness.Actions.WaitForRunAsync(flaky.Id, cancellationToken: harness.Token);
        var bad = await harness.Actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "bad" }""") }, harness.Token);
        var badDone = await harness.Actions.WaitForRunAsync(bad.Id, cancellationToken: harness.Token);

        Assert.Equal(ActionRunStatus.Success, flakyDone.Status);
        Assert.Equal(2, flakyDone.Logs.Count(l => l.Message.Contains("failed transiently (503 Service Unavailable)", StringComparison.Ordinal)));
        Assert.Equal(ActionRunStatus.Failure, badDone.Status);
        Assert.Equal($"The webhook failed: POST {receiver.BaseAddress}hooks/bad answered 400 (Bad Request).", badDone.StatusLabel);
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task Invoke_AsyncWebhook_StaysInProgress_UntilTheBackendReports()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(Scaffold(receiver.BaseAddress, synchronized: false))));

        var run = await harness.Actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "async-api" }""") }, harness.Token);
        var sent = await harness.Actions.WaitForRunAsync(run.Id, untilIdle: true, harness.Token);
        await harness.Actions.UpdateRunAsync(run.Id, new ActionRunUpdate { StatusLabel = "Provisioning", Link = ["https://ci.example.com/jobs/7"] }, harness.Token);
        await harness.Actions.AddRunLogAsync(run.Id, "repository created", cancellationToken: harness.Token);
        var done = await harness.Actions.AddRunLogAsync(run.Id, "all done", ActionRunStatus.Success, "Completed successfully!", harness.Token);

        Assert.Equal((ActionRunStatus.InProgress, null), (sent.Status, sent.Owner));
        Assert.Equal((ActionRunStatus.Success, "Completed successfully!"), (done.Status, done.StatusLabel));
        Assert.Equal(["https://ci.example.com/jobs/7"], done.Links);
        Assert.Equal(["repository created", "all done"], done.Logs.Skip(1).Select(l => l.Message));
        var ended = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Actions.AddRunLogAsync(run.Id, "late", cancellationToken: harness.Token));
        Assert.Equal($"The run '{run.Id}' has ended (Success); it can no longer be changed.", ended.Message);
    }

    [Fact]
    public async Task Invoke_InvalidInputs_ErrorPerInputWithPointer_NoRunCreated()
    {
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(Scaffold(new Uri("http://127.0.0.1:9/")))));

        var error = await Assert.ThrowsAsync<ActionInputException>(() => harness.Actions.InvokeAsync(
            "scaffold_service",
            new ActionInvocation { Inputs = ActionsHarness.Json("""{ "replicas": "two", "language": "rust", "nmae": "x" }""") },
            harness.Token));

        Assert.Equal(
            """
            name /name required: the input 'name' is required
            replicas /replicas type: must be number, was string
            language /language enum: must be one of ["csharp","go"]
            nmae /nmae additionalProperties: 'nmae' is not an input of this action; did you mean 'name'?
            """,
            string.Join("\n", error.Errors.Select(e => $"{e.Input} {e.Pointer} {e.Rule}: {e.Message}")));
        Assert.Empty(await harness.Actions.ListRunsAsync(cancellationToken: harness.Token).ToListAsync(harness.Token));
    }
}
