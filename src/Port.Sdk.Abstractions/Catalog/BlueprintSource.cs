namespace Port.Sdk;

/// <summary>A blueprint and where it was read from: what lets a registration error name the file and the pointer in it.</summary>
/// <param name="Blueprint">The blueprint.</param>
/// <param name="File">The file it was read from; <see langword="null"/> for JSON text given in code.</param>
/// <param name="Pointer">The JSON Pointer of the blueprint in the file: empty for a file holding one blueprint, <c>/2</c> for the third of an array.</param>
public sealed record BlueprintSource(Blueprint Blueprint, string? File, string Pointer);
