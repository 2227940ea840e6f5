using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Port.Sdk.Testing;

/// <summary>Workflow dispatches: <c>POST …/actions/workflows/{workflow}/dispatches</c> and the runs they start.</summary>
public sealed partial class GitHubFixtureServer
{
    private readonly Lock _dispatchGate = new();
    private readonly List<(GitHubFixtureDispatch Dispatch, DateTimeOffset CreatedAt, string Conclusion, int PollsLeft)> _dispatches = [];

    /// <summary>Gets the workflow dispatches received, in order.</summary>
    public IReadOnlyList<GitHubFixtureDispatch> Dispatches
    {
        get
        {
            lock (_dispatchGate)
            {
                return [.. _dispatches.Select(d => d.Dispatch)];
            }
        }
    }

    /// <summary>
    /// Gets or sets the conclusion of the workflow runs later dispatches start (<c>success</c>, <c>failure</c>,
    /// <c>cancelled</c>…). The repositories' one workflow is <c>ci.yml</c> (also known by its identifier); a
    /// dispatch of another workflow, or in an unknown repository, is answered 404 like GitHub does.
    /// </summary>
    /// <value>The default value is <c>success</c>.</value>
    public string DispatchedRunConclusion { get; set; } = "success";

    /// <summary>Gets or sets how many reads of a dispatched run see it <c>queued</c> or <c>in_progress</c> before it is <c>completed</c>.</summary>
    /// <value>The default value is 2.</value>
    public int DispatchedRunPolls { get; set; } = 2;

    private async Task<bool> TryHandleWorkflowDispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var parts = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        switch (parts)
        {
            case ["repos", var owner, var name, "actions", "workflows", var workflow, "dispatches"] when request.Method == "POST":
                if (owner != _org.Login || _org.RepositoryIndex(name) is not { } repository || !IsWorkflow(workflow, repository))
                {
                    context.Response.StatusCode = 404;
                    await WriteMessageAsync(context.Response, "Not Found", "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event").ConfigureAwait(false);
                    return true;
                }

                using (var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false))
                {
                    if (!body.RootElement.TryGetProperty("ref", out var reference) || reference.ValueKind != JsonValueKind.String)
                    {
                        context.Response.StatusCode = 422;
                        await WriteMessageAsync(context.Response, "Invalid request.\n\n\"ref\" wasn't supplied.", null).ConfigureAwait(false);
                        return true;
                    }

                    var inputs = body.RootElement.TryGetProperty("inputs", out var i) ? i.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
                    lock (_dispatchGate)
                    {
                        var id = 500_000_000L + _dispatches.Count;
                        _dispatches.Add((new GitHubFixtureDispatch(name, workflow, reference.GetString()!, inputs, id), DateTimeOffset.UtcNow, DispatchedRunConclusion, DispatchedRunPolls));
                    }
                }

                context.Response.StatusCode = 204;
                return true;
            case ["repos", var owner, var name, "actions", "workflows", var workflow, "runs"] when request.Method == "GET" && owner == _org.Login:
                List<int> matching;
                lock (_dispatchGate)
                {
                    matching = [.. Enumerable.Range(0, _dispatches.Count).Where(d => _dispatches[d].Dispatch.Repository == name && _dispatches[d].Dispatch.Workflow == workflow).Reverse()];
                }

                await WriteRunsAsync(context.Response, matching).ConfigureAwait(false);
                return true;
            case ["repos", var owner, _, "actions", "runs", var run] when request.Method == "GET" && owner == _org.Login
                && long.TryParse(run, CultureInfo.InvariantCulture, out var runId) && runId >= 500_000_000L && runId - 500_000_000L < Dispatches.Count:
                await WriteRunsAsync(context.Response, [(int)(runId - 500_000_000L)], single: true).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private static bool IsWorkflow(string workflow, int repository)
        => workflow == "ci.yml" || workflow == (300_000_000L + repository).ToString(CultureInfo.InvariantCulture);

    private async Task WriteRunsAsync(HttpResponse response, List<int> indexes, bool single = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (!single)
            {
                writer.WriteStartObject();
                writer.WriteNumber("total_count", indexes.Count);
                writer.WriteStartArray("workflow_runs");
            }

            foreach (var index in indexes)
            {
                (GitHubFixtureDispatch Dispatch, DateTimeOffset CreatedAt, string Conclusion, int PollsLeft) entry;
                lock (_dispatchGate)
                {
                    entry = _dispatches[index];
                    _dispatches[index] = entry with { PollsLeft = Math.Max(0, entry.PollsLeft - 1) };
                }

                var (dispatch, createdAt, conclusion, pollsLeft) = entry;
                writer.WriteStartObject();
                writer.WriteNumber("id", dispatch.RunId);
                writer.WriteString("name", "CI");
                writer.WriteString("display_title", "CI");
                writer.WriteString("head_branch", dispatch.Ref);
                writer.WriteNumber("run_number", 100 + index);
                writer.WriteString("event", "workflow_dispatch");
                writer.WriteString("status", pollsLeft > 0 ? (pollsLeft > 1 ? "queued" : "in_progress") : "completed");
                if (pollsLeft > 0)
                {
                    writer.WriteNull("conclusion");
                }
                else
                {
                    writer.WriteString("conclusion", conclusion);
                }

                writer.WriteString("html_url", $"https://github.com/{_org.Login}/{dispatch.Repository}/actions/runs/{dispatch.RunId}");
                writer.WriteString("created_at", createdAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            if (!single)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
        }

        response.ContentType = "application/json; charset=utf-8";
        await response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }
}
