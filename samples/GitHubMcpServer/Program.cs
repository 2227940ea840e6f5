// A GitHub MCP server built on the ModelContextProtocol SDK and Octokit: live pull request data (the PR, its diff,
// its changed files, its reviews) for an AI client, over stdio. It talks to GITHUB_API_URL (default
// https://api.github.com/) with GITHUB_TOKEN when set. samples/PullRequestReview starts it as a connector against the
// GitHub fixture server.
// Run: GITHUB_TOKEN=... dotnet run --project samples/GitHubMcpServer
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Octokit;

var baseAddress = new Uri(Environment.GetEnvironmentVariable("GITHUB_API_URL") is { Length: > 0 } url ? url : "https://api.github.com/");
// Through a Connection, the address is used as given (GitHubClient(product, uri) would append api/v3/ to any host but
// github.com, as for GitHub Enterprise Server; give such a server's https://host/api/v3/ in GITHUB_API_URL).
var github = new GitHubClient(new Connection(new ProductHeaderValue("Port.Sdk.Samples.GitHubMcpServer"), baseAddress));
if (Environment.GetEnvironmentVariable("GITHUB_TOKEN") is { Length: > 0 } token)
{
    github.Credentials = new Credentials(token);
}

const string PullSchema = """
    { "type": "object", "required": ["owner", "repo", "pullNumber"], "properties": {
        "owner": { "type": "string" }, "repo": { "type": "string" }, "pullNumber": { "type": "integer", "minimum": 1 } } }
    """;

Tool ToolOf(string name, string description)
{
    using var schema = JsonDocument.Parse(PullSchema);
    return new Tool { Name = name, Description = description, InputSchema = schema.RootElement.Clone() };
}

Tool[] tools =
[
    ToolOf("get_pull_request", "A pull request: title, state, author, branches, body."),
    ToolOf("get_pull_request_diff", "A pull request's unified diff."),
    ToolOf("get_pull_request_files", "The files a pull request changes, with additions and deletions."),
    ToolOf("get_pull_request_reviews", "A pull request's reviews: reviewer, state, body."),
];

async ValueTask<CallToolResult> CallAsync(string name, IDictionary<string, JsonElement> args)
{
    string Text(string key) => args.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new ArgumentException($"'{key}' is required.");
    var (owner, repo) = (Text("owner"), Text("repo"));
    var number = args.TryGetValue("pullNumber", out var n) && n.TryGetInt32(out var i) ? i : throw new ArgumentException("'pullNumber' is required.");
    switch (name)
    {
        case "get_pull_request":
            var pull = await github.PullRequest.Get(owner, repo, number);
            return Result(JsonSerializer.Serialize(new Dictionary<string, string?>
            {
                ["title"] = pull.Title,
                ["state"] = pull.Merged ? "merged" : pull.State.StringValue,
                ["author"] = pull.User?.Login,
                ["head"] = pull.Head?.Ref,
                ["base"] = pull.Base?.Ref,
                ["url"] = pull.HtmlUrl,
                ["body"] = pull.Body,
            }, SampleJson.Default.DictionaryStringString));
        case "get_pull_request_diff":
            var diff = await github.Connection.Get<string>(new Uri($"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/pulls/{number}", UriKind.Relative), new Dictionary<string, string>(), "application/vnd.github.diff");
            return Result(diff.Body);
        case "get_pull_request_files":
            var files = await github.PullRequest.Files(owner, repo, number);
            return Result(string.Join('\n', files.Select(f => $"{f.Status} {f.FileName} (+{f.Additions} -{f.Deletions})")));
        case "get_pull_request_reviews":
            var reviews = await github.PullRequest.Review.GetAll(owner, repo, number);
            return Result(reviews.Count == 0 ? "No reviews yet." : string.Join('\n', reviews.Select(r => $"{r.User?.Login}: {r.State.StringValue}: {r.Body}")));
        default:
            return Error($"There is no tool '{name}'.");
    }
}

static CallToolResult Result(string text) => new() { Content = [new TextContentBlock { Text = text }] };
static CallToolResult Error(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

var options = new McpServerOptions
{
    ServerInfo = new Implementation { Name = "port-sample-github", Version = "0.1.0" },
    Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
    Handlers = new McpServerHandlers
    {
        ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools }),
        CallToolHandler = async (request, _) =>
        {
            try
            {
                return await CallAsync(request.Params?.Name ?? string.Empty, request.Params?.Arguments ?? new Dictionary<string, JsonElement>());
            }
            catch (Exception ex) when (ex is ApiException or ArgumentException)
            {
                return Error(ex is ApiException api ? $"GitHub answered {(int)api.StatusCode}: {api.Message}" : ex.Message);
            }
        },
    },
};

await using var transport = new StdioServerTransport("port-sample-github");
await using var server = McpServer.Create(transport, options);
await server.RunAsync();

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class SampleJson : System.Text.Json.Serialization.JsonSerializerContext;
