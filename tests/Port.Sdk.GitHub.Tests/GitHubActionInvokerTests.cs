using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Port.Sdk.Actions;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.GitHub.Tests;

/// <summary>GITHUB actions: workflow dispatches through Octokit to the fixture server on 127.0.0.1, runs followed to their conclusion.</summary>
public sealed class GitHubActionInvokerTests : IDisposable
{
    private const string Token = "ghp_secretFixtureToken000000000000000000";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-github-actions-");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        _timeout.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static string Action(string workflow = "ci.yml", string extra = "") => $$$"""
        {
          "identifier": "deploy",
          "title": "Deploy",
          "trigger": {
            "type": "self-service",
            "operation": "CREATE",
            "userInputs": {
              "properties": {
                "version": { "type": "string" },
                "replicas": { "type": "number" },
                "canary": { "type": "boolean" }
              },
              "required": ["version"]
            }
          },
          "invocationMethod": {
            "type": "GITHUB",
            "org": "acme",
            "repo": "{{{GitHubSamples.RepositoryName(1)}}}",
            "workflow": "{{{workflow}}}",
            {{{extra}}}
            "workflowInputs": {
              "ref": "release/{{ .inputs.version }}",
              "version": "{{ .inputs.version }}",
              "replicas": "{{ .inputs.replicas }}",
              "canary": "{{ .inputs.canary }}",
              "nothing": "{{ .inputs.missing }}",
              "port_context": { "runId": "{{ .run.id }}", "by": "{{ .trigger.by.user.email }}" }
            }
          }
        }
        """;

    private async Task<(PortActions Actions, GitHubIntegration Integration)> ActionsAsync(GitHubFixtureServer server, string json)
    {
        var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", BaseAddress = server.BaseAddress, Token = Token, RetryDelay = TimeSpan.FromMilliseconds(5) });
        var options = new PortActionsOptions();
        options.Invokers["GITHUB"] = new GitHubActionInvoker(integration, new GitHubActionsOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        options.Actions.Add(PortAction.Parse(json));
        var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "catalog.db")));
        var actions = new PortActions(catalog, new SqliteActionRunStore(Path.Combine(_directory.FullName, "runs.db")), options);
        await actions.StartAsync(_timeout.Token);
        return (actions, integration);
    }

    private static ActionInvocation Invocation() => new()
    {
        Inputs = JsonDocument.Parse("""{ "version": "1.4.0", "replicas": 3, "canary": true }""").RootElement,
        Caller = "ada@example.com",
    };

    [Fact]
    public async Task Invoke_WorkflowConcludesSuccess_DispatchesTemplatedInputsAndEndsInSuccessWithTheRunLink()
    {
        await using var server = await GitHubFixtureServer.StartAsync(cancellationToken: _timeout.Token);
        var (actions, integration) = await ActionsAsync(server, Action());
        await using var _ = actions;
        using var __ = integration;

        var run = await actions.InvokeAsync("deploy", Invocation(), _timeout.Token);
        var done = await actions.WaitForRunAsync(run.Id, cancellationToken: _timeout.Token);

        var dispatch = Assert.Single(server.Dispatches);
        Assert.Equal((GitHubSamples.RepositoryName(1), "ci.yml", "release/1.4.0"), (dispatch.Repository, dispatch.Workflow, dispatch.Ref));
        Assert.Equal(["version", "replicas", "canary", "port_context"], dispatch.Inputs.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("1.4.0", 3, true), (dispatch.Inputs.GetProperty("version").GetString(), dispatch.Inputs.GetProperty("replicas").GetInt32(), dispatch.Inputs.GetProperty("canary").GetBoolean()));
        Assert.Equal($$"""{"runId":"{{run.Id}}","by":"ada@example.com"}""", dispatch.Inputs.GetProperty("port_context").GetString());
        Assert.EndsWith($" {Token}", server.LastAuthorization, StringComparison.Ordinal);
        Assert.Equal(ActionRunStatus.Success, done.Status);
        Assert.Equal($"Workflow run #100 succeeded.", done.StatusLabel);
        Assert.Equal([$"https://github.com/acme/{GitHubSamples.RepositoryName(1)}/actions/runs/{dispatch.RunId}"], done.Links);
        Assert.Contains(done.Logs, l => l.Message == $"Workflow run {dispatch.RunId} concluded 'success'.");
    }

    [Fact]
    public async Task Invoke_WorkflowConcludesFailure_EndsInFailure()
    {
        await using var server = await GitHubFixtureServer.StartAsync(cancellationToken: _timeout.Token);
        server.DispatchedRunConclusion = "failure";
        var (actions, integration) = await ActionsAsync(server, Action());
        await using var _ = actions;
        using var __ = integration;

        var run = await actions.InvokeAsync("deploy", Invocation(), _timeout.Token);
        var done = await actions.WaitForRunAsync(run.Id, cancellationToken: _timeout.Token);

        Assert.Equal(ActionRunStatus.Failure, done.Status);
        Assert.Equal("Workflow run #100 concluded 'failure'.", done.StatusLabel);
        Assert.Single(done.Links);
    }

    [Fact]
    public async Task Invoke_UnknownWorkflow_EndsInFailureThatSaysWhy()
    {
        await using var server = await GitHubFixtureServer.StartAsync(cancellationToken: _timeout.Token);
        var (actions, integration) = await ActionsAsync(server, Action(workflow: "deploy.yml"));
        await using var _ = actions;
        using var __ = integration;

        var run = await actions.InvokeAsync("deploy", Invocation(), _timeout.Token);
        var done = await actions.WaitForRunAsync(run.Id, cancellationToken: _timeout.Token);

        Assert.Equal(ActionRunStatus.Failure, done.Status);
        Assert.Equal(
            $"GitHub answered 404 (Not Found) to the dispatch of workflow 'deploy.yml' of 'acme/{GitHubSamples.RepositoryName(1)}' on 'release/1.4.0': the repository or the workflow file does not exist, or the credentials cannot see it (they need the 'actions: write' permission).",
            done.StatusLabel);
        Assert.Empty(server.Dispatches);
    }

    [Fact]
    public async Task Invoke_ReportWorkflowStatusFalse_StaysInProgressAfterTheDispatch()
    {
        await using var server = await GitHubFixtureServer.StartAsync(cancellationToken: _timeout.Token);
        var (actions, integration) = await ActionsAsync(server, Action(extra: "\"reportWorkflowStatus\": false,"));
        await using var _ = actions;
        using var __ = integration;

        var run = await actions.InvokeAsync("deploy", Invocation(), _timeout.Token);
        var idle = await actions.WaitForRunAsync(run.Id, untilIdle: true, cancellationToken: _timeout.Token);

        Assert.Single(server.Dispatches);
        Assert.False(actions.GetAction("deploy")!.InvocationMethod.ReportWorkflowStatus);
        Assert.Equal((ActionRunStatus.InProgress, "Workflow dispatched; waiting for it to report the run's status."), (idle.Status, idle.StatusLabel));
        Assert.Empty(idle.Links);
        var reported = await actions.UpdateRunAsync(run.Id, new ActionRunUpdate { Status = ActionRunStatus.Success }, _timeout.Token);
        Assert.Equal(ActionRunStatus.Success, reported.Status);
    }

    [Fact]
    public async Task AddGitHubActions_Hosted_RunsGitHubActionsThroughTheNamedIntegration()
    {
        await using var server = await GitHubFixtureServer.StartAsync(cancellationToken: _timeout.Token);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPort()
            .UseSqliteStore(Path.Combine(_directory.FullName, "hosted.db"))
            .AddGitHubIntegration("acme", o => { o.Organization = "acme"; o.BaseAddress = server.BaseAddress; o.Token = Token; })
            .AddGitHubActions(o => o.PollInterval = TimeSpan.FromMilliseconds(20))
            .AddActions()
            .AddAction(Action());
        using var host = builder.Build();
        await host.StartAsync(_timeout.Token);
        var actions = host.Services.GetRequiredService<PortActions>();

        var run = await actions.InvokeAsync("deploy", Invocation(), _timeout.Token);
        var done = await actions.WaitForRunAsync(run.Id, cancellationToken: _timeout.Token);

        Assert.Equal(ActionRunStatus.Success, done.Status);
        Assert.Equal("release/1.4.0", Assert.Single(server.Dispatches).Ref);
        await host.StopAsync(_timeout.Token);
    }

    [Theory]
    [InlineData("repos/acme/svc/actions/runs/500000000", true)]
    [InlineData("repos/acme/svc/actions/workflows/ci.yml/runs?event=workflow_dispatch&created=%3E%3D2026-12-02T05%3A00%3A00Z", true)]
    [InlineData("repos/acme/svc/actions/runs?per_page=100", false)]
    [InlineData("repos/acme/svc/actions/workflows", false)]
    [InlineData("repos/acme/svc/pulls/3", false)]
    public void IsRunPoll_InvokerPollsOnly_AreSentUnconditionally(string endpoint, bool expected)
        => Assert.Equal(expected, GitHubHttpClient.IsRunPoll(endpoint));

    [Fact]
    public void Register_GitHubActionWithoutInvoker_SaysHowToRunIt()
    {
        using var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "catalog.db")));
        var options = new PortActionsOptions();
        options.Actions.Add(PortAction.Parse(Action()));

        var error = Assert.Throws<ActionDefinitionException>(() => new PortActions(catalog, new InMemoryActionRunStore(), options));

        Assert.Contains("Port.Sdk.GitHub's AddGitHubActions() runs GITHUB", error.Message, StringComparison.Ordinal);
    }
}
