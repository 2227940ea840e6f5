// Fuzzes the jq engine in its own process, so that a crash (stack overflow, out of memory) is seen by the test that
// starts it instead of ending the test host. Usage: FuzzRunner <jq.test path> <seed> <iterations>. Every case must end
// in outputs, a JqParseException or a JqException (limits included); anything else is printed as FAIL and the exit
// code is 1. The last line is "ok <cases> cases, <compiled> compiled, <limits> limits reached".
using System.Globalization;
using Port.Sdk.Jq;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Port.Sdk.Jq.FuzzRunner <jq.test> <seed> <iterations>");
    return 2;
}

var seeds = JqTestSuite.Parse(File.ReadAllText(args[0])).Select(c => c.Program).ToArray();
var random = new Random(int.Parse(args[1], CultureInfo.InvariantCulture));
var iterations = int.Parse(args[2], CultureInfo.InvariantCulture);
var inputs = Shapes.Inputs();
var failures = 0;
var compiled = 0;
var limits = 0;

// Small limits keep each case short; the defaults are exercised by the deep and wide shapes and by the programs
// that build values (the size limits are the defaults).
var options = new JqRunOptions { MaxSteps = 200_000, MaxOutputs = 2_000, MaxCollectionLength = 1_000_000, MaxStringLength = 4_000_000 };
for (var i = 0; i < iterations; i++)
{
    var program = (i % 4) switch
    {
        0 => Shapes.RandomProgram(random),
        1 => Shapes.Mutate(seeds[random.Next(seeds.Length)], random),
        2 => Shapes.DeepProgram(random),
        _ => seeds[random.Next(seeds.Length)],
    };
    var input = inputs[random.Next(inputs.Length)];
    try
    {
        if (!JqFilter.TryCompile(program, out var filter, out _))
        {
            continue;
        }

        compiled++;
        foreach (var output in filter.Run(input, options))
        {
            // Printing is part of the engine: deep outputs must print or fail with a jq error too.
            _ = output.ToJson();
        }
    }
    catch (JqLimitException)
    {
        limits++;
    }
    catch (JqException)
    {
        // A jq error: an expected end.
    }
    catch (Exception ex)
    {
        failures++;
        Console.WriteLine($"FAIL {Shapes.Describe(program)} => {ex.GetType().Name}: {ex.Message}");
    }
}

Console.WriteLine($"ok {iterations} cases, {compiled} compiled, {limits} limits reached");
return failures == 0 ? 0 : 1;
