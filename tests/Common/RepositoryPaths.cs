namespace Port.Sdk.Tests.Common;

/// <summary>Finds the repository and the shared conformance data (<c>../shared/conformance</c>) from a test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Conformance { get; } =
        Environment.GetEnvironmentVariable("PORT_SDK_CONFORMANCE") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Port.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find Port.Sdk.sln above '{AppContext.BaseDirectory}'.");
    }
}
