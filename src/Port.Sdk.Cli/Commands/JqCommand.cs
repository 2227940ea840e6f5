using System.Text;
using Port.Sdk.Jq;
using Port.Sdk.Jq.Streaming;

namespace Port.Sdk.Cli.Commands;

/// <summary><c>port jq</c>: a drop-in for the jq binary, with jq's options and exit codes.</summary>
internal static class JqCommand
{
    private const string Help = """
        Usage: port jq [OPTIONS] FILTER [FILES...]
               port jq [OPTIONS] --run-tests FILE

        Options:
          -c, --compact-output      one line per output
          -r, --raw-output          write strings without quotes
          -j, --join-output         like -r, without newlines
          -a, --ascii-output        escape non-ASCII characters
          -n, --null-input          use null as the single input
          -R, --raw-input           read each line as a string
          -s, --slurp               read all inputs into one array
          -e, --exit-status         exit 1 if the last output is false or null, 4 if there was none
          -S, --sort-keys           sort object keys
              --tab                 indent with tabs
              --indent n            indent with n spaces (0-7)
          -f, --from-file FILE      read the filter from FILE
              --arg name value      bind $name to the string value
              --argjson name json   bind $name to the JSON value
              --slurpfile name file bind $name to an array of the JSON texts in file
              --rawfile name file   bind $name to the text of file
              --args                the remaining arguments are positional strings ($ARGS.positional)
              --jsonargs            the remaining arguments are positional JSON texts
              --run-tests FILE      run a test file in jq's format
              --max-steps n         end a run after n evaluation steps (default 100000000)
              --no-limits           no step, output or size limits (the stack is still guarded)
          -h, --help                this help

        Limits: a run that takes more steps, outputs more values or builds a larger array, object or string than
        the defaults allow (see docs/limits.md) ends with one error line, as do the cases of --run-tests.

        Exit status: 0 on success, 1 with -e when the last output is false or null, 2 on usage errors (an unknown
        option, a missing file, input that is not JSON) and when a limit is reached, 3 on compile errors, 4 with
        -e when there was no output, 5 on runtime errors.
        """;

    private sealed class Settings
    {
        public bool Compact { get; set; }

        public bool Raw { get; set; }

        public bool Join { get; set; }

        public bool Ascii { get; set; }

        public bool NullInput { get; set; }

        public bool RawInput { get; set; }

        public bool Slurp { get; set; }

        public bool ExitStatus { get; set; }

        public bool SortKeys { get; set; }

        public bool Tab { get; set; }

        public int Indent { get; set; } = 2;

        public string? Filter { get; set; }

        public string? RunTests { get; set; }

        public long? MaxSteps { get; set; }

        public bool NoLimits { get; set; }

        public List<string> Files { get; } = [];

        public Dictionary<string, JqValue> Named { get; } = new(StringComparer.Ordinal);

        public List<JqValue> Positional { get; } = [];
    }

    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr)
    {
        Settings settings;
        try
        {
            settings = ParseArguments(args);
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"port jq: {ex.Message}");
            stderr.WriteLine("Use 'port jq --help' for help.");
            return 2;
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"port jq: error: {ex.Message}");
            return 2;
        }

        if (settings.Filter is null && settings.RunTests is null)
        {
            if (!args.Contains("-h") && !args.Contains("--help"))
            {
                stderr.WriteLine("port jq: a filter is required.");
                stderr.WriteLine("Use 'port jq --help' for help.");
                return 2;
            }

            using var helpWriter = new StreamWriter(stdout, new UTF8Encoding(false));
            helpWriter.Write(Help);
            return 0;
        }

        // Deep recursion in jq programs is legitimate (jq's own C stack is large); run on a thread with a large stack.
        var exitCode = 0;
        var thread = new Thread(
            () =>
            {
                try
                {
                    exitCode = settings.RunTests is { } file ? RunTests(file, settings, stdout, stderr) : RunFilter(settings, stdin, stdout, stderr);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // An exception on this thread would end the process with a stack trace.
                    stderr.WriteLine($"port jq: error: {ex.Message}");
                    exitCode = 2;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    stderr.WriteLine($"port jq: {CommandLine.Describe(ex)}");
                    exitCode = 5;
                }
            },
            512 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return exitCode;
    }

    private sealed class UsageException(string message) : Exception(message);

    private static Settings ParseArguments(string[] args)
    {
        var settings = new Settings();
        var positionalMode = 0; // 1: --args, 2: --jsonargs
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Next(string option) => i + 1 < args.Length ? args[++i] : throw new UsageException($"{option} takes a value.");

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                switch (arg)
                {
                    case "--compact-output": settings.Compact = true; break;
                    case "--raw-output": settings.Raw = true; break;
                    case "--join-output": settings.Raw = settings.Join = true; break;
                    case "--ascii-output": settings.Ascii = true; break;
                    case "--null-input": settings.NullInput = true; break;
                    case "--raw-input": settings.RawInput = true; break;
                    case "--slurp": settings.Slurp = true; break;
                    case "--exit-status": settings.ExitStatus = true; break;
                    case "--sort-keys": settings.SortKeys = true; break;
                    case "--tab": settings.Tab = true; break;
                    case "--indent":
                        {
                            var text = Next(arg);
                            if (!int.TryParse(text, out var indent) || indent is < 0 or > 7)
                            {
                                throw new UsageException($"--indent takes a number from 0 to 7, not '{text}'.");
                            }

                            settings.Indent = indent;
                            break;
                        }

                    case "--from-file": settings.Filter = File.ReadAllText(Next(arg)); break;
                    case "--arg":
                        {
                            var name = Next(arg);
                            settings.Named[name] = JqValue.FromString(Next(arg));
                            break;
                        }

                    case "--argjson":
                        {
                            var name = Next(arg);
                            var text = Next(arg);
                            try
                            {
                                settings.Named[name] = JqValue.Parse(text);
                            }
                            catch (JqException ex)
                            {
                                throw new UsageException($"--argjson {name}: invalid JSON text '{text}': {ex.Message}");
                            }

                            break;
                        }

                    case "--slurpfile":
                        {
                            var name = Next(arg);
                            var path = Next(arg);
                            settings.Named[name] = JqValue.FromArray(JqInput.ReadJson(File.ReadAllBytes(path), path));
                            break;
                        }

                    case "--rawfile":
                        {
                            var name = Next(arg);
                            settings.Named[name] = JqValue.FromString(File.ReadAllText(Next(arg)));
                            break;
                        }

                    case "--args": positionalMode = 1; break;
                    case "--jsonargs": positionalMode = 2; break;
                    case "--run-tests": settings.RunTests = Next(arg); break;
                    case "--no-limits": settings.NoLimits = true; break;
                    case "--max-steps":
                        {
                            var text = Next(arg);
                            if (!long.TryParse(text, out var steps) || steps < 1)
                            {
                                throw new UsageException($"--max-steps takes a whole number of at least 1, not '{text}'.");
                            }

                            settings.MaxSteps = steps;
                            break;
                        }

                    case "--help": return settings;
                    default: throw new UsageException($"unknown option '{arg}'.");
                }

                continue;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                for (var j = 1; j < arg.Length; j++)
                {
                    switch (arg[j])
                    {
                        case 'c': settings.Compact = true; break;
                        case 'r': settings.Raw = true; break;
                        case 'j': settings.Raw = settings.Join = true; break;
                        case 'a': settings.Ascii = true; break;
                        case 'n': settings.NullInput = true; break;
                        case 'R': settings.RawInput = true; break;
                        case 's': settings.Slurp = true; break;
                        case 'e': settings.ExitStatus = true; break;
                        case 'S': settings.SortKeys = true; break;
                        case 'h': return settings;
                        case 'f': settings.Filter = File.ReadAllText(Next("-f")); break;
                        default: throw new UsageException($"unknown option '-{arg[j]}'.");
                    }
                }

                continue;
            }

            if (settings.Filter is null && settings.RunTests is null)
            {
                settings.Filter = arg;
            }
            else if (positionalMode == 1)
            {
                settings.Positional.Add(JqValue.FromString(arg));
            }
            else if (positionalMode == 2)
            {
                try
                {
                    settings.Positional.Add(JqValue.Parse(arg));
                }
                catch (JqException ex)
                {
                    throw new UsageException($"--jsonargs: invalid JSON text '{arg}': {ex.Message}");
                }
            }
            else
            {
                settings.Files.Add(arg);
            }
        }

        return settings;
    }

    private static int RunFilter(Settings settings, Stream stdin, Stream stdout, TextWriter stderr)
    {
        var compileOptions = new JqOptions();
        var runOptions = new JqRunOptions
        {
            Environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal),
            Diagnostics = message => stderr.WriteLine(message),
            InputFileName = settings.Files.LastOrDefault(),
        };
        ApplyLimits(settings, runOptions);
        var named = new JqObject();
        foreach (var (name, value) in settings.Named)
        {
            compileOptions.VariableNames.Add(name);
            runOptions.Variables[name] = value;
            named = named.With(name, value);
        }

        var argsObject = new JqObject().With("positional", JqValue.FromArray(settings.Positional)).With("named", JqValue.FromObject(named));
        compileOptions.VariableNames.Add("ARGS");
        runOptions.Variables["ARGS"] = JqValue.FromObject(argsObject);

        JqFilter filter;
        try
        {
            filter = JqFilter.Compile(settings.Filter!, compileOptions);
        }
        catch (JqParseException ex)
        {
            stderr.WriteLine($"jq: error: {ex.Message}");
            stderr.WriteLine("jq: 1 compile error");
            return 3;
        }

        var writerOptions = new JqJsonWriterOptions
        {
            Indent = settings.Compact ? 0 : settings.Indent,
            UseTab = settings.Tab && !settings.Compact,
            SortKeys = settings.SortKeys,
            AsciiOutput = settings.Ascii,
        };

        void WriteValue(Utf8JqWriter writer, JqValue value)
        {
            if (settings.Raw && value.Kind == JqKind.String)
            {
                writer.WriteText(value.String);
            }
            else
            {
                writer.Write(value, writerOptions);
            }

            if (!settings.Join)
            {
                writer.WriteByte((byte)'\n');
            }
        }

        // Only the parts of each input the program reads become jq values (the rest is skipped as text), unless it may
        // read the whole input.
        var projection = settings.RawInput || settings.NullInput ? null : JqProjection.For(settings.Filter!, compileOptions);

        // One source of JSON texts and a program that does not read inputs itself: use every core.
        if (!settings.NullInput && !settings.Slurp && !settings.RawInput && settings.Files.Count <= 1 && Environment.ProcessorCount > 1
            && !System.Text.RegularExpressions.Regex.IsMatch(settings.Filter!, @"\binputs?\b"))
        {
            Stream source;
            try
            {
                source = settings.Files.Count == 1 ? File.OpenRead(settings.Files[0]) : stdin;
            }
            catch (IOException ex)
            {
                stderr.WriteLine($"jq: error: Could not open {ex.Message}");
                return 2;
            }

            using var owned = settings.Files.Count == 1 ? source : null;
            return ParallelJqRunner.Run(filter, runOptions, projection, JsonTextChunker.Read(source), settings.Files.LastOrDefault() ?? "<stdin>", WriteValue, stdout, stderr, settings.ExitStatus);
        }

        using var output = new Utf8JqWriter();
        void Flush()
        {
            stdout.Write(output.WrittenSpan);
            stdout.Flush();
            output.Clear();
        }

        var exitCode = 0;
        JqValue? last = null;
        var anyOutput = false;
        IEnumerable<JqValue> inputs;
        try
        {
            inputs = JqInput.Read(settings.Files, stdin, settings.RawInput, settings.Slurp, settings.Slurp ? null : projection);
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"jq: error: Could not open {ex.Message}");
            return 2;
        }

        using var inputEnumerator = inputs.GetEnumerator();
        runOptions.Inputs = Remaining(inputEnumerator);
        try
        {
            IEnumerable<JqValue> programInputs = settings.NullInput ? [JqValue.Null] : Remaining(inputEnumerator);
            foreach (var input in programInputs)
            {
                try
                {
                    foreach (var value in filter.Run(input, runOptions))
                    {
                        anyOutput = true;
                        last = value;
                        WriteValue(output, value);
                        if (output.Length >= 1 << 16)
                        {
                            stdout.Write(output.WrittenSpan);
                            output.Clear();
                        }
                    }
                }
                catch (JqHaltException halt)
                {
                    Flush();
                    if (halt.HaltValue is { } haltValue)
                    {
                        stderr.Write(haltValue.Kind == JqKind.String ? haltValue.String : haltValue.ToJson() + "\n");
                    }

                    return halt.ExitCode;
                }
                catch (JqException ex) when (ex is not JqLimitException)
                {
                    Flush();
                    stderr.WriteLine($"jq: error (at {settings.Files.LastOrDefault() ?? "<stdin>"}:0): {ex.Message}");
                    exitCode = 5;
                }
            }
        }
        catch (JqException ex)
        {
            // Invalid JSON input or a limit: jq stops reading.
            Flush();
            stderr.WriteLine($"jq: error (at {settings.Files.LastOrDefault() ?? "<stdin>"}:0): {ex.Message}");
            return exitCode == 0 ? 2 : exitCode;
        }

        Flush();
        if (exitCode != 0)
        {
            return exitCode;
        }

        if (settings.ExitStatus)
        {
            return !anyOutput ? 4 : last is { IsTruthy: true } ? 0 : 1;
        }

        return 0;
    }

    private static IEnumerable<JqValue> Remaining(IEnumerator<JqValue> enumerator)
    {
        while (enumerator.MoveNext())
        {
            yield return enumerator.Current;
        }
    }

    /// <summary>The library's limits are on unless the command line turns them off or changes the step budget.</summary>
    private static void ApplyLimits(Settings settings, JqRunOptions options)
    {
        if (settings.NoLimits)
        {
            options.MaxSteps = long.MaxValue;
            options.MaxOutputs = long.MaxValue;
            options.MaxCollectionLength = int.MaxValue;
            options.MaxStringLength = int.MaxValue;
        }

        if (settings.MaxSteps is { } steps)
        {
            options.MaxSteps = steps;
        }
    }

    private static int RunTests(string file, Settings settings, Stream stdout, TextWriter stderr)
    {
        using var output = new StreamWriter(stdout, new UTF8Encoding(false)) { NewLine = "\n" };
        IReadOnlyList<JqTestCase> cases;
        try
        {
            cases = JqTestSuite.Parse(File.ReadAllText(file));
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"port jq: cannot read '{file}': {ex.Message}");
            return 2;
        }

        var results = new List<JqTestResult>();
        foreach (var testCase in cases)
        {
            var runOptions = new JqRunOptions();
            ApplyLimits(settings, runOptions);
            var result = JqTestSuite.Run(testCase, null, runOptions);
            results.Add(result);
            if (!result.Passed)
            {
                output.WriteLine($"*** Test failed ({file}:{testCase.Line}): {testCase.Program}");
                output.WriteLine($"    {result.Reason}");
            }
        }

        output.WriteLine(JqTestSuite.Summary(results));
        return results.All(r => r.Passed) ? 0 : 1;
    }
}
