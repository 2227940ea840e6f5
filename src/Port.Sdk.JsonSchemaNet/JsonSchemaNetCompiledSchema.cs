using System.Text.Json;
using Json.Schema;
using NetSchema = Json.Schema.JsonSchema;

namespace Port.Sdk.JsonSchemaNet;

/// <summary>A schema JsonSchema.Net built, whose results are read as <see cref="SchemaError"/>s.</summary>
internal sealed class JsonSchemaNetCompiledSchema(NetSchema schema, EvaluationOptions options) : ICompiledSchema
{
    public IReadOnlyList<SchemaError> Validate(JsonElement instance, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EvaluationResults results;
        try
        {
            results = schema.Evaluate(instance, options);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A reference that resolves to nothing is found only when it is evaluated.
            return [new SchemaError(string.Empty, string.Empty, "$ref", $"JsonSchema.Net cannot evaluate the schema: {ex.Message}")];
        }

        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<SchemaError>();
        Add(results, errors);
        foreach (var detail in results.Details ?? [])
        {
            Add(detail, errors);
        }

        if (errors.Count == 0)
        {
            // Some keywords ('not', 'oneOf') fail without a message: the failing subschemas say where.
            var failing = (results.Details ?? []).Where(d => !d.IsValid).Prepend(results)
                .DistinctBy(n => (n.InstanceLocation.ToString(), n.EvaluationPath.ToString())).ToList();
            foreach (var node in failing.Where(n => !failing.Any(o => o != n && o.EvaluationPath.ToString().StartsWith(n.EvaluationPath + "/", StringComparison.Ordinal))))
            {
                var path = node.EvaluationPath.ToString();
                errors.Add(new SchemaError(node.InstanceLocation.ToString(), path, "schema", $"does not match the schema at '{path}'"));
            }
        }

        return errors;
    }

    private static void Add(EvaluationResults node, List<SchemaError> errors)
    {
        if (node.Errors is null)
        {
            return;
        }

        var instanceLocation = node.InstanceLocation.ToString();
        var path = node.EvaluationPath.ToString();
        foreach (var (keyword, message) in node.Errors)
        {
            if (string.IsNullOrEmpty(keyword))
            {
                // The 'false' schema: the keyword that applied it is the last segment of its path.
                var last = path.LastIndexOf('/');
                errors.Add(new SchemaError(instanceLocation, path, last < 0 ? "false" : path[(last + 1)..], message));
            }
            else
            {
                // A boolean subschema's error is keyed by the keyword that applied it, whose path it already ends with.
                var location = path.EndsWith("/" + keyword, StringComparison.Ordinal) ? path : path + "/" + keyword;
                errors.Add(new SchemaError(instanceLocation, location, keyword, message));
            }
        }
    }
}
