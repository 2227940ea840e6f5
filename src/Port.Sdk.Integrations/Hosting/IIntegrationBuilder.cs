namespace Port.Sdk.Integrations;

/// <summary>The builder <see cref="IntegrationPortBuilderExtensions.AddIntegration{TIntegration}(IPortBuilder, string, Action{IntegrationOptions}?)"/> returns: the catalog's builder, with the name of the integration just registered.</summary>
public interface IIntegrationBuilder : IPortBuilder
{
    /// <summary>Gets the integration's name: its key among the keyed services and its options' name.</summary>
    string Name { get; }
}
