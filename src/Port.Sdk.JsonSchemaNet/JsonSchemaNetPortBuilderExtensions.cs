namespace Port.Sdk.JsonSchemaNet;

/// <summary>The extensions of <see cref="IPortBuilder"/> that validate the catalog's entities with JsonSchema.Net.</summary>
public static class JsonSchemaNetPortBuilderExtensions
{
    /// <summary>
    /// Validates entities against their blueprints' schemas with JsonSchema.Net instead of Port.Sdk's own validator.
    /// The leniencies of <see cref="CatalogValidationOptions.Mode"/> stay the catalog's, the same with either engine.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the validator: custom keywords and formats, the default dialect.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IPortBuilder UseJsonSchemaNet(this IPortBuilder builder, Action<JsonSchemaNetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseSchemaValidator(_ =>
        {
            var options = new JsonSchemaNetOptions();
            configure?.Invoke(options);
            return new JsonSchemaNetValidator(options);
        });
    }
}
