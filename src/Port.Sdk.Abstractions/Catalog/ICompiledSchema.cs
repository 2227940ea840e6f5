using System.Text.Json;

namespace Port.Sdk;

/// <summary>A schema compiled by an <see cref="ISchemaValidator"/>, ready to validate instances.</summary>
/// <remarks>Validation is CPU-bound and synchronous; implementations must be thread-safe and bound their own time and memory.</remarks>
public interface ICompiledSchema
{
    /// <summary>Validates an instance.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Every error found, in evaluation order; empty when the instance is valid.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    IReadOnlyList<SchemaError> Validate(JsonElement instance, CancellationToken cancellationToken = default);
}
