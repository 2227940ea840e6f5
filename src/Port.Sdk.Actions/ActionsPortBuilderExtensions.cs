using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Port.Sdk.Actions;

/// <summary>The <see cref="IPortBuilder"/> extensions of Port.Sdk.Actions.</summary>
public static class ActionsPortBuilderExtensions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client webhooks are sent with (configure it to add a handler or a proxy).</summary>
    public const string WebhookHttpClientName = "Port.Sdk.Actions.Webhook";

    /// <summary>
    /// Adds <see cref="PortActions"/> (a singleton), a hosted service that recovers interrupted runs and runs the
    /// automations, and the run store: the one registered (<c>UseSqliteStore</c> registers the catalog's file), else
    /// the catalog store's own when it is an <see cref="IActionRunStoreProvider"/> (<c>UsePostgreSqlStore</c>: the
    /// catalog's schema), else an in-memory one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options (webhook secret, timeouts, retries, recovery, limits).</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IPortBuilder AddActions(this IPortBuilder builder, Action<PortActionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PortActionsOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddHttpClient(WebhookHttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PortActionsOptions>>().Value;
            if (options.TimeProvider == TimeProvider.System && sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            foreach (var invoker in sp.GetServices<IActionInvoker>())
            {
                options.Invokers.TryAdd(invoker.Type, invoker);
            }

            if (sp is IKeyedServiceProvider keyed)
            {
                foreach (var action in options.Actions)
                {
                    if (!options.Handlers.ContainsKey(action.Identifier) && keyed.GetKeyedService<IActionHandler>(action.Identifier) is { } handler)
                    {
                        options.Handlers[action.Identifier] = handler;
                    }
                }
            }

            var clients = sp.GetRequiredService<IHttpClientFactory>();
            var catalog = sp.GetRequiredService<PortCatalog>();
            return new PortActions(
                catalog,
                sp.GetService<IActionRunStore>() ?? (catalog.Store as IActionRunStoreProvider)?.CreateActionRunStore() ?? new InMemoryActionRunStore(),
                options,
                () => clients.CreateClient(WebhookHttpClientName),
                sp.GetService<ILoggerFactory>());
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PortActionsHostedService>());
        return builder;
    }

    /// <summary>Registers an action or automation from Port's JSON, with an optional .NET handler that runs it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="json">The action's JSON, as in Port.</param>
    /// <param name="handler">The handler; <see langword="null"/> to run the action's invocation method (or a keyed <see cref="IActionHandler"/> service).</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">The JSON is not a valid action; errors give line, column and JSON Pointer.</exception>
    public static IPortBuilder AddAction(this IPortBuilder builder, string json, IActionHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return builder.AddAction(PortAction.Parse(json), handler);
    }

    /// <summary>Registers an action or automation, with an optional .NET handler that runs it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="action">The action.</param>
    /// <param name="handler">The handler; <see langword="null"/> to run the action's invocation method (or a keyed <see cref="IActionHandler"/> service).</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="action"/> is <see langword="null"/>.</exception>
    public static IPortBuilder AddAction(this IPortBuilder builder, PortAction action, IActionHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(action);
        builder.Services.Configure<PortActionsOptions>(options =>
        {
            options.Actions.Add(action);
            if (handler is not null)
            {
                options.Handlers[action.Identifier] = handler;
            }
        });
        return builder;
    }

    /// <summary>Sets who may approve or decline the runs of an action that requires approval.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="action">The action's identifier.</param>
    /// <param name="approvers">The approvers.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="action"/> or <paramref name="approvers"/> is <see langword="null"/>.</exception>
    public static IPortBuilder AddActionApprovers(this IPortBuilder builder, string action, ActionApprovers approvers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(approvers);
        builder.Services.Configure<PortActionsOptions>(options => options.Approvers[action] = approvers);
        return builder;
    }

    /// <summary>Sets who may approve or decline the runs of an action, from Port's action permissions JSON (its <c>approve</c> part).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="action">The action's identifier.</param>
    /// <param name="permissionsJson">Port's permissions (<c>{ "approve": { "users": […], "teams": […], "roles": […] } }</c>).</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="action"/> or <paramref name="permissionsJson"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">The JSON is not Port's permissions shape.</exception>
    public static IPortBuilder AddActionApprovers(this IPortBuilder builder, string action, string permissionsJson)
        => builder.AddActionApprovers(action, ActionApprovers.Parse(permissionsJson));

    /// <summary>Registers the actions and automations of a JSON file (one definition, or an array of them).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">A definition is invalid; errors name the file, line and column.</exception>
    public static IPortBuilder AddActionsFromFile(this IPortBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var action in PortAction.Load(path))
        {
            builder.AddAction(action);
        }

        return builder;
    }
}
