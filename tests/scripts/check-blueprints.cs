#:project ../../src/Port.Sdk/Port.Sdk.csproj

// Loads and registers every blueprints file given (files or directories of *.json), each file as one set in a
// fresh in-memory catalog, and reports which load. A manual check, not a test: tests read only ../shared.
//
// Ocean's integrations, from the mirror:
//   R=/work/.mirror/port-labs+ocean/repo; D=$(mktemp -d)
//   for f in $(git -C $R ls-tree -r --name-only HEAD | grep '.port/resources/blueprints.json'); do
//     git -C $R show HEAD:$f > $D/$(echo $f | cut -d/ -f2).json; done
//   dotnet run tests/scripts/check-blueprints.cs -- $D
using Port.Sdk;

var files = args.SelectMany(a => Directory.Exists(a) ? Directory.GetFiles(a, "*.json").Order(StringComparer.Ordinal).ToArray() : [a]).ToList();
var loaded = 0;
foreach (var file in files)
{
    try
    {
        var sources = BlueprintFile.LoadSources(file);
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        try
        {
            await catalog.RegisterBlueprintsAsync(sources.Select(s => s.Blueprint));
        }
        catch (CatalogValidationException ex)
        {
            throw new BlueprintFileException(BlueprintFile.Locate(ex.Errors, sources));
        }

        loaded++;
        Console.WriteLine($"ok    {file} ({sources.Count} blueprints)");
    }
    catch (BlueprintFileException ex)
    {
        Console.WriteLine($"FAIL  {file}");
        foreach (var error in ex.Errors)
        {
            Console.WriteLine($"        {error}");
        }
    }
}

Console.WriteLine($"{loaded} of {files.Count} files load.");
return loaded == files.Count ? 0 : 1;
