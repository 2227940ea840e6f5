using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Newtonsoft.Json.Linq;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// Validating a realistic 20-property service entity against its blueprint schema, valid and invalid,
/// with Port.Sdk.JsonSchema and NJsonSchema side by side, and through the catalog's validator seam
/// (<see cref="ISchemaValidator"/>, format asserted) with Port.Sdk.JsonSchema and JsonSchema.Net 8.0.5.
/// All validate an already-parsed instance.
/// </summary>
[MemoryDiagnoser]
public class SchemaValidationBenchmark
{
    /// <summary>The "schema.properties" of a Port service blueprint with 20 properties.</summary>
    public const string BlueprintSchema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string", "maxLength": 100 },
            "description": { "type": "string", "maxLength": 1000 },
            "url": { "type": "string", "format": "url" },
            "readme": { "type": "string", "format": "markdown" },
            "language": { "type": "string", "enum": ["csharp", "go", "python", "typescript", "java", "rust"] },
            "tier": { "type": "string", "enum": ["mission-critical", "customer-facing", "internal", "other"] },
            "lifecycle": { "type": "string", "enum": ["production", "experimental", "deprecated"] },
            "owner": { "type": "string", "format": "user" },
            "slack": { "type": "string", "pattern": "^#[a-z0-9-]+$" },
            "onCall": { "type": "string", "format": "email" },
            "replicas": { "type": "integer", "minimum": 0, "maximum": 100 },
            "coverage": { "type": "number", "minimum": 0, "maximum": 100 },
            "stars": { "type": "integer", "minimum": 0 },
            "isPublic": { "type": "boolean" },
            "archived": { "type": "boolean" },
            "createdAt": { "type": "string", "format": "date-time" },
            "lastDeploy": { "type": "string", "format": "date-time" },
            "topics": { "type": "array", "items": { "type": "string" }, "maxItems": 20 },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
            "sla": { "type": "object", "properties": { "uptime": { "type": "number" }, "p99ms": { "type": "integer" } }, "required": ["uptime"] }
          },
          "required": ["name", "language", "tier", "lifecycle"]
        }
        """;

    public const string ValidEntity = """
        {
          "name": "payments-api",
          "description": "Handles card payments, refunds and payouts for every market.",
          "url": "https://github.com/acme/payments-api",
          "readme": "# payments-api\nThe payments service.",
          "language": "csharp",
          "tier": "mission-critical",
          "lifecycle": "production",
          "owner": "jane.doe@acme.com",
          "slack": "#team-payments",
          "onCall": "payments-oncall@acme.com",
          "replicas": 6,
          "coverage": 81.5,
          "stars": 42,
          "isPublic": false,
          "archived": false,
          "createdAt": "2021-03-04T09:15:00Z",
          "lastDeploy": "2026-11-20T17:42:11Z",
          "topics": ["payments", "pci", "dotnet"],
          "labels": { "cost-center": "cc-104", "domain": "money" },
          "sla": { "uptime": 99.95, "p99ms": 250 }
        }
        """;

    /// <summary>The same entity with five errors: wrong enum, over maximum, bad pattern, wrong type, missing required.</summary>
    public const string InvalidEntity = """
        {
          "name": "payments-api",
          "description": "Handles card payments, refunds and payouts for every market.",
          "url": "https://github.com/acme/payments-api",
          "readme": "# payments-api\nThe payments service.",
          "language": "cobol",
          "lifecycle": "production",
          "owner": "jane.doe@acme.com",
          "slack": "team payments",
          "onCall": "payments-oncall@acme.com",
          "replicas": 600,
          "coverage": 81.5,
          "stars": "many",
          "isPublic": false,
          "archived": false,
          "createdAt": "2021-03-04T09:15:00Z",
          "lastDeploy": "2026-11-20T17:42:11Z",
          "topics": ["payments", "pci", "dotnet"],
          "labels": { "cost-center": "cc-104", "domain": "money" },
          "sla": { "uptime": 99.95, "p99ms": 250 }
        }
        """;

    private Port.Sdk.JsonSchema.JsonSchema _portSchema = null!;
    private NJsonSchema.JsonSchema _nSchema = null!;
    private JsonElement _validElement;
    private JsonElement _invalidElement;
    private JToken _validToken = null!;
    private JToken _invalidToken = null!;
    private ICompiledSchema _portSeam = null!;
    private ICompiledSchema _jsonSchemaNetSeam = null!;

    [GlobalSetup]
    public void Setup()
    {
        _portSchema = Port.Sdk.JsonSchema.JsonSchema.Parse(BlueprintSchema);
        _nSchema = NJsonSchema.JsonSchema.FromJsonAsync(BlueprintSchema).GetAwaiter().GetResult();
        _validElement = JsonDocument.Parse(ValidEntity).RootElement;
        _invalidElement = JsonDocument.Parse(InvalidEntity).RootElement;
        _validToken = JToken.Parse(ValidEntity);
        _invalidToken = JToken.Parse(InvalidEntity);
        using var schemaDocument = JsonDocument.Parse(BlueprintSchema);
        _portSeam = PortSchemaValidator.Instance.Compile(schemaDocument.RootElement);
        _jsonSchemaNetSeam = new Port.Sdk.JsonSchemaNet.JsonSchemaNetValidator().Compile(schemaDocument.RootElement);
        if (_portSeam.Validate(_validElement).Count != 0 || _jsonSchemaNetSeam.Validate(_validElement).Count != 0
            || _portSeam.Validate(_invalidElement).Count == 0 || _jsonSchemaNetSeam.Validate(_invalidElement).Count == 0)
        {
            throw new InvalidOperationException("The engines behind the validator seam do not give the expected verdicts.");
        }

        if (!_portSchema.Validate(_validElement).IsValid || _nSchema.Validate(_validToken).Count != 0
            || _portSchema.Validate(_invalidElement).Errors.Count != 5 || _nSchema.Validate(_invalidToken).Count == 0)
        {
            throw new InvalidOperationException("The benchmark inputs do not give the expected verdicts.");
        }
    }

    [Benchmark(Baseline = true, Description = "NJsonSchema, valid")]
    public int NJsonSchema_Valid() => _nSchema.Validate(_validToken).Count;

    [Benchmark(Description = "Port.Sdk.JsonSchema, valid")]
    public int Port_Valid() => _portSchema.Validate(_validElement).Errors.Count;

    [Benchmark(Description = "NJsonSchema, invalid")]
    public int NJsonSchema_Invalid() => _nSchema.Validate(_invalidToken).Count;

    [Benchmark(Description = "Port.Sdk.JsonSchema, invalid")]
    public int Port_Invalid() => _portSchema.Validate(_invalidElement).Errors.Count;

    [Benchmark(Description = "seam: Port.Sdk.JsonSchema, valid")]
    public int PortSeam_Valid() => _portSeam.Validate(_validElement).Count;

    [Benchmark(Description = "seam: JsonSchema.Net, valid")]
    public int JsonSchemaNetSeam_Valid() => _jsonSchemaNetSeam.Validate(_validElement).Count;

    [Benchmark(Description = "seam: Port.Sdk.JsonSchema, invalid")]
    public int PortSeam_Invalid() => _portSeam.Validate(_invalidElement).Count;

    [Benchmark(Description = "seam: JsonSchema.Net, invalid")]
    public int JsonSchemaNetSeam_Invalid() => _jsonSchemaNetSeam.Validate(_invalidElement).Count;
}
