using System.Globalization;
using Port.Sdk.Integrations;
using Port.Sdk.Limits.Child;
using YamlDotNet.Core;

// Every documented error is printed and the process exits 0; anything else escapes and crashes it, which the
// test sees as a non-zero exit code with the exception on stderr. The readers run on a 1 MiB stack, smaller
// than a thread pool thread's: what passes here passes in a host.
var exitCode = 0;
var thread = new Thread(() => exitCode = Run(args), 1024 * 1024);
thread.Start();
thread.Join();
return exitCode;

static int Run(string[] args)
{
    switch (args[0])
    {
        case "yaml":
            try
            {
                var options = args.Length > 2 ? new PortYamlOptions { MaxDepth = int.Parse(args[2], CultureInfo.InvariantCulture) } : null;
                var json = PortYaml.Parse(File.ReadAllText(args[1]), options);
                Console.WriteLine($"ok {json.ValueKind}");
            }
            catch (YamlException ex)
            {
                Console.WriteLine($"YamlException {ex.Start.Line}:{ex.Start.Column}: {ex.Message}");
            }

            return 0;
        case "config":
            try
            {
                var config = PortAppConfig.Load(args[1]);
                Console.WriteLine($"ok {config.Resources.Count} resources");
            }
            catch (PortAppConfigException ex)
            {
                Console.WriteLine("PortAppConfigException " + string.Join(" | ", ex.Errors));
            }

            return 0;
        case "fuzz-yaml":
            return YamlFuzz.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
        case "fuzz-schema":
            return SchemaFuzz.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
        default:
            Console.Error.WriteLine($"Unknown mode '{args[0]}'.");
            return 2;
    }
}
