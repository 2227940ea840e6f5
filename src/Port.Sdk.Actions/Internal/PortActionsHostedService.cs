using Microsoft.Extensions.Hosting;

namespace Port.Sdk.Actions;

/// <summary>Starts <see cref="PortActions"/> with the host (recovery, then automations) and stops it with the host.</summary>
internal sealed class PortActionsHostedService(PortActions actions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => actions.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => actions.StopAsync(cancellationToken);
}
