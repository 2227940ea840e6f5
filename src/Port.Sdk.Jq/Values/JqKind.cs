namespace Port.Sdk.Jq;

/// <summary>The kind of a <see cref="JqValue"/>, in jq's sort order.</summary>
public enum JqKind : byte
{
    /// <summary>JSON <c>null</c>.</summary>
    Null,

    /// <summary>JSON <c>false</c>.</summary>
    False,

    /// <summary>JSON <c>true</c>.</summary>
    True,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object.</summary>
    Object,
}
