using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Port.Sdk.Actions;
using Port.Sdk.Testing;

namespace Port.Sdk.PostgreSql.Tests;

/// <summary>The PostgreSQL run store passes the run store conformance suite on a real server; each test gets its own schema.</summary>
public sealed class PostgreSqlActionRunStoreTests : ActionRunStoreConformanceTests, IDisposable
{
    private static readonly Lazy<NpgsqlDataSource> DataSource = new(() => NpgsqlDataSource.Create(PostgresCluster.Shared.CreateDatabase()));
    private readonly List<string> _schemas = [];

    protected override IActionRunStore CreateStore()
    {
        var schema = "r_" + Guid.NewGuid().ToString("N");
        _schemas.Add(schema);
        return new PostgreSqlActionRunStore(DataSource.Value, schema);
    }

    [Fact]
    public async Task AddActions_WithPostgreSqlStore_KeepsRunsInTheCatalogsSchema()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var token = timeout.Token;
        var schema = "a_" + Guid.NewGuid().ToString("N");
        _schemas.Add(schema);
        var services = new ServiceCollection();
        services.AddPort()
            .UsePostgreSqlStore(DataSource.Value.ConnectionString, o => o.Schema = schema)
            .AddActions()
            .AddAction("""
                {
                  "identifier": "hello",
                  "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": {} } },
                  "invocationMethod": { "type": "WEBHOOK", "url": "http://127.0.0.1:9/" }
                }
                """, new Handler());
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var actions = provider.GetRequiredService<PortActions>();

        var run = await actions.InvokeAsync("hello", cancellationToken: token);
        var done = await actions.WaitForRunAsync(run.Id, cancellationToken: token);
        var stored = await new PostgreSqlActionRunStore(DataSource.Value, schema).GetAsync(run.Id, token);

        Assert.IsType<PostgreSqlActionRunStore>(actions.Store);
        Assert.Equal(schema, ((PostgreSqlActionRunStore)actions.Store).Schema);
        Assert.Equal((ActionRunStatus.Success, ActionRunStatus.Success), (done.Status, stored!.Status));
    }

    [Fact]
    public void Constructor_BadSchema_Throws()
    {
        var error = Assert.Throws<ArgumentException>("schema", () => new PostgreSqlActionRunStore(DataSource.Value, "Bad-Schema"));
        Assert.StartsWith("The schema name 'Bad-Schema' is not valid: use 1 to 63 lowercase letters, digits and underscores, starting with a letter or underscore.", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var schema in _schemas)
        {
            using var connection = DataSource.Value.OpenConnection();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            drop.ExecuteNonQuery();
        }
    }

    private sealed class Handler : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken) => context.LogAsync("hello from the handler", cancellationToken);
    }
}
