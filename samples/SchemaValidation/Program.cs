// Validates catalog entities against the property schema of a Port blueprint, as the catalog does on every write.
// Run: dotnet run --project samples/SchemaValidation [blueprint.json] [entities.json]
using System.Text.Json;
using Port.Sdk.JsonSchema;

var blueprintPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "service-blueprint.json");
var entitiesPath = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "data", "entities.json");

using var blueprint = JsonDocument.Parse(File.ReadAllText(blueprintPath));
var schema = JsonSchema.FromElement(
    blueprint.RootElement.GetProperty("schema"),
    new JsonSchemaOptions { FormatAssertion = true });

using var entities = JsonDocument.Parse(File.ReadAllText(entitiesPath));
var invalid = 0;
foreach (var entity in entities.RootElement.EnumerateArray())
{
    var identifier = entity.GetProperty("identifier").GetString();
    var result = schema.Validate(entity.GetProperty("properties"));
    Console.WriteLine($"{identifier}: {(result.IsValid ? "valid" : $"{result.Errors.Count} error(s)")}");
    foreach (var error in result.Errors)
    {
        Console.WriteLine($"  properties{error.InstanceLocation}: {error.Message}  [{error.KeywordLocation}]");
    }

    invalid += result.IsValid ? 0 : 1;
}

Console.WriteLine($"{entities.RootElement.GetArrayLength()} entities checked against blueprint '{blueprint.RootElement.GetProperty("identifier").GetString()}', {invalid} invalid.");
