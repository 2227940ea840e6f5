namespace Port.Sdk;

/// <summary>How far a <see cref="ContextComposer"/> composition has come: one step ends each time the catalog reads or a connector call finish.</summary>
/// <param name="Completed">How many steps have finished.</param>
/// <param name="Total">How many steps there are: one for the catalog reads, and one per connector call.</param>
/// <param name="Step">What just finished, such as <c>catalog</c> or <c>github/get_diff</c>.</param>
public sealed record ContextComposeProgress(int Completed, int Total, string Step);
