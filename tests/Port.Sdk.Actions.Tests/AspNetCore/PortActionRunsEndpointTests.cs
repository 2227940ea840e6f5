using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Port.Sdk.Actions.AspNetCore;

namespace Port.Sdk.Actions.Tests.AspNetCore;

/// <summary>Port's run API over real HTTP (Kestrel on 127.0.0.1): backends report progress and end their runs.</summary>
public sealed class PortActionRunsEndpointTests
{
    private const string Secret = "org-client-secret";
    private const string Token = "runs-token";

    private static string Deploy(Uri backend) => $$$"""
        {
          "identifier": "deploy",
          "title": "Deploy",
          "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": { "version": { "type": "string" } } } },
          "invocationMethod": { "type": "WEBHOOK", "url": "{{{backend}}}deploy", "synchronized": false,
            "body": { "runId": "{{ .run.id }}", "version": "{{ .inputs.version }}" } }
        }
        """;

    [Fact]
    public async Task AsyncWebhookBackend_ReportsOverHttp_RunEndsInSuccess()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var token = timeout.Token;
        await using var backend = await WebhookReceiver.StartAsync();
        await using var host = await Host.StartAsync(Deploy(backend.BaseAddress), o => o.BearerToken = Token);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Respond = (count, context) =>
        {
            // The backend answers at once (the run stays IN_PROGRESS) and reports afterwards, as a CI job would.
            _ = Task.Run(async () =>
            {
                try
                {
                    var request = backend.Requests.Last();
                    var runId = JsonDocument.Parse(request.Body).RootElement.GetProperty("runId").GetString();
                    using var log = Signed(HttpMethod.Post, $"/v1/actions/runs/{runId}/logs", """{ "message": "Deploying 1.2.3", "statusLabel": "Deploying" }""", DateTimeOffset.UtcNow);
                    (await client.SendAsync(log, token)).EnsureSuccessStatusCode();
                    using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/actions/runs/{runId}") { Content = Json("""{ "status": "SUCCESS", "statusLabel": "Deployed", "link": "https://ci.example.com/jobs/7", "summary": "1.2.3 is live" }""") };
                    patch.Headers.Authorization = new("Bearer", Token);
                    (await client.SendAsync(patch, token)).EnsureSuccessStatusCode();
                    reported.TrySetResult();
                }
                catch (Exception ex)
                {
                    reported.TrySetException(ex);
                }
            }, token);
            return Task.FromResult(202);
        };

        var run = await host.Actions.InvokeAsync("deploy", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "version": "1.2.3" }""") }, token);
        await reported.Task.WaitAsync(token);
        var done = await host.Actions.WaitForRunAsync(run.Id, cancellationToken: token);
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/v1/actions/runs/{run.Id}");
        get.Headers.Authorization = new("Bearer", Token);
        using var read = await client.SendAsync(get, token);
        var readBody = JsonDocument.Parse(await read.Content.ReadAsStringAsync(token)).RootElement;

        Assert.Equal((ActionRunStatus.Success, "Deployed", "1.2.3 is live"), (done.Status, done.StatusLabel, done.Summary));
        Assert.Equal(["https://ci.example.com/jobs/7"], done.Links);
        Assert.Contains(done.Logs, l => l.Message == "Deploying 1.2.3");
        Assert.NotNull(done.EndedAt);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(("SUCCESS", true), (readBody.GetProperty("run").GetProperty("status").GetString(), readBody.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task Requests_BadAuthOrBody_AnsweredWithPortsErrors()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var token = timeout.Token;
        await using var backend = await WebhookReceiver.StartAsync();
        await using var host = await Host.StartAsync(Deploy(backend.BaseAddress), o => o.MaxBodySize = 64);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var run = await host.Actions.InvokeAsync("deploy", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "version": "1" }""") }, token);
        await host.Actions.WaitForRunAsync(run.Id, untilIdle: true, token);
        var path = $"/v1/actions/runs/{run.Id}";
        var now = DateTimeOffset.UtcNow;

        var unsigned = await SendAsync(client, new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json("""{ "status": "SUCCESS" }""") }, token);
        var tampered = Signed(HttpMethod.Patch, path, """{ "status": "SUCCESS" }""", now);
        tampered.Content = Json("""{ "status": "FAILURE" }""");
        var badSignature = await SendAsync(client, tampered, token);
        var stale = await SendAsync(client, Signed(HttpMethod.Patch, path, """{ "status": "SUCCESS" }""", now.AddMinutes(-10)), token);
        var unknown = await SendAsync(client, Signed(HttpMethod.Patch, "/v1/actions/runs/r_nope", """{ "status": "SUCCESS" }""", now), token);
        var badStatus = await SendAsync(client, Signed(HttpMethod.Patch, path, """{ "status": "DONE" }""", now), token);
        var badKey = await SendAsync(client, Signed(HttpMethod.Post, path + "/logs", """{ "mesage": "x" }""", now), token);
        var notJson = await SendAsync(client, Signed(HttpMethod.Post, path + "/logs", """{ "message": """, now), token);
        var tooLarge = await SendAsync(client, Signed(HttpMethod.Post, path + "/logs", $$"""{ "message": "{{new string('x', 100)}}" }""", now), token);
        var ended = await SendAsync(client, Signed(HttpMethod.Post, path + "/logs", """{ "message": "bye", "terminationStatus": "FAILURE" }""", now), token);
        var afterEnd = await SendAsync(client, Signed(HttpMethod.Patch, path, """{ "status": "SUCCESS" }""", now), token);

        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized", "The request has no valid bearer token or Port webhook signature."), unsigned);
        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal((HttpStatusCode.NotFound, "not_found", "There is no run 'r_nope'."), unknown);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request", "'/status' must be SUCCESS or FAILURE, not 'DONE'."), badStatus);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request", "'/mesage' is not a field of this request; expected message, terminationStatus, statusLabel."), badKey);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (notJson.Status, notJson.Error));
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "The body is larger than the 64 bytes accepted (MaxBodySize)."), tooLarge);
        Assert.Equal(HttpStatusCode.Created, ended.Status);
        Assert.Equal((HttpStatusCode.Conflict, "run_ended", $"The run '{run.Id}' has ended (Failure); it can no longer be changed."), afterEnd);
        Assert.Equal(ActionRunStatus.Failure, (await host.Actions.GetRunAsync(run.Id, token))!.Status);
    }

    [Fact]
    public async Task MapPortActionRuns_NoTokenNorSecret_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddPort().AddActions();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapPortActionRuns());

        Assert.Equal("MapPortActionRuns needs a 'BearerToken' or a webhook secret ('WebhookSecret' of its options or of PortActionsOptions) to authenticate backends.", error.Message);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Signed(HttpMethod method, string path, string body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(method, path) { Content = Json(body) };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(Secret, timestamp, body));
        return request;
    }

    private static async Task<(HttpStatusCode Status, string? Error, string? Message)> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken token)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, token);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
            return (response.StatusCode, body.TryGetProperty("error", out var e) ? e.GetString() : null, body.TryGetProperty("message", out var m) ? m.GetString() : null);
        }
    }

    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Host(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
            Actions = app.Services.GetRequiredService<PortActions>();
        }

        public Uri BaseAddress { get; }

        public PortActions Actions { get; }

        public static async Task<Host> StartAsync(string action, Action<PortActionRunsEndpointOptions> configure)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddPort().AddActions(o => o.WebhookSecret = Secret).AddAction(action);
            var app = builder.Build();
            app.MapPortActionRuns(configure: configure);
            await app.StartAsync();
            return new Host(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
