using System.Runtime.CompilerServices;

// The 'port jq' command line (assembly 'port', src/Port.Sdk.Cli) reads through the projection and writes through the
// UTF-8 writer of this folder; they stay internal until an in-process API needs them.
[assembly: InternalsVisibleTo("port")]
