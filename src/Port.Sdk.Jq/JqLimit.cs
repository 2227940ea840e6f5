namespace Port.Sdk.Jq;

/// <summary>Which limit of <see cref="JqRunOptions"/> (or of the program's shape, for <see cref="JqOptions"/>) a run reached.</summary>
public enum JqLimit
{
    /// <summary>The reason was not recorded (an exception built with a message only).</summary>
    Unspecified = 0,

    /// <summary>The step budget, <see cref="JqRunOptions.MaxSteps"/>.</summary>
    Steps,

    /// <summary>The output count, <see cref="JqRunOptions.MaxOutputs"/>.</summary>
    Outputs,

    /// <summary>
    /// The recursion depth, <see cref="JqRunOptions.MaxDepth"/>, or the stack of the running thread: deep recursion of the
    /// program, or a value nested too deeply for an operation (<c>contains</c>, <c>flatten</c>, equality, <c>tojson</c>...).
    /// </summary>
    Depth,

    /// <summary>The length of an array or object the program builds, <see cref="JqRunOptions.MaxCollectionLength"/>.</summary>
    CollectionLength,

    /// <summary>The length of a string the program builds, <see cref="JqRunOptions.MaxStringLength"/>.</summary>
    StringLength,

    /// <summary>
    /// The process ran out of memory (its GC heap limit, such as <c>DOTNET_GCHeapHardLimit</c>) while the run built its
    /// values: the run is abandoned and what it built becomes garbage. A last resort behind the size limits, which stop
    /// one value from growing; many values alive at once (<c>[paths]</c> of a deep input) can still fill the heap.
    /// </summary>
    Memory,
}
