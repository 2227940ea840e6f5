using System.Text;
using Port.Sdk.Jq.Streaming;

namespace Port.Sdk.Jq.Tests.Streaming;

/// <summary>
/// Issue 15: <c>port jq</c> writes its output straight to UTF-8 bytes; they are the bytes the text writer gives through
/// a UTF-8 stream writer, for every output flag.
/// </summary>
public sealed class Utf8JqWriterTests
{
    private static readonly string[] Values =
    [
        """{"b":1,"a":[true,false,null,{"c":{}}],"e":[],"d":{"z":"y","y":[[]]}}""",
        "\"h\\u00e9llo \\u65e5\\u672c \\ud83d\\ude00 \\u0001 \\u001f \\u007f \\u2028 \\\" \\\\ \\n \\t \\r \\b \\f /\"",
        "[0,-1,1.5,1e3,1E-5,100000000000000000000,1.000,3.14159,-0,0.1,1e308,1e1000,123456789012345678,-0.0,5e-324,999999999999999]",
        "{\"\\u00e9\":\"key with a non-ASCII character\",\"\\n\":1}",
        "\"\"",
        "[[[[[[1]]]]]]",
        "12",
        "null",
    ];

    public static TheoryData<int, bool, bool, bool> Flags()
    {
        var data = new TheoryData<int, bool, bool, bool>();
        foreach (var indent in new[] { 0, 1, 2, 4, 7 })
        {
            foreach (var tab in new[] { false, true })
            {
                foreach (var sort in new[] { false, true })
                {
                    foreach (var ascii in new[] { false, true })
                    {
                        if (!(tab && indent == 0))
                        {
                            data.Add(indent, tab, sort, ascii);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void Write_SameBytesAsTheTextWriter(int indent, bool tab, bool sortKeys, bool ascii)
    {
        var options = new JqJsonWriterOptions { Indent = indent, UseTab = tab, SortKeys = sortKeys, AsciiOutput = ascii };
        // Lone surrogates cannot come from JSON text, but string functions can make them.
        var values = Values.Select(j => JqValue.Parse(j)).Append(JqValue.FromString("lone \ud800 surrogate \udc00, a pair \ud83d\ude00, \udbff at the end \ud800"));
        foreach (var value in values)
        {
            var expected = new MemoryStream();
            using (var text = new StreamWriter(expected, new UTF8Encoding(false), 16, leaveOpen: true))
            {
                value.WriteTo(text, options);
            }

            using var writer = new Utf8JqWriter(16);
            writer.Write(value, options);

            Assert.Equal(Convert.ToHexString(expected.ToArray()), Convert.ToHexString(writer.WrittenSpan));
        }
    }

    [Fact]
    public void WriteText_RawStringAsUtf8()
    {
        using var writer = new Utf8JqWriter(1);
        writer.WriteText("é 😀 \n");
        writer.WriteByte((byte)'!');

        Assert.Equal("é 😀 \n!", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Write_ValueDeeperThanThePrintLimit_MarkerLikeTheTextWriter()
    {
        // Deeper than the parser allows: built from values.
        var deep = JqValue.FromNumber(1);
        for (var i = 0; i < JqJsonWriter.MaxPrintDepth + 3; i++)
        {
            deep = JqValue.FromArray([deep]);
        }

        var text = new StringWriter();
        Exception? textError = null;
        Exception? bytesError = null;
        using var writer = new Utf8JqWriter();
        var thread = new Thread(
            () =>
            {
                try
                {
                    deep.WriteTo(text, JqJsonWriterOptions.Compact);
                }
                catch (JqException ex)
                {
                    textError = ex;
                }

                try
                {
                    writer.Write(deep, JqJsonWriterOptions.Compact);
                }
                catch (JqException ex)
                {
                    bytesError = ex;
                }
            },
            256 * 1024 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal(textError?.Message, bytesError?.Message);
        Assert.Contains("<skipped: too deep>", Encoding.UTF8.GetString(writer.WrittenSpan), StringComparison.Ordinal);
        Assert.Equal(text.ToString(), Encoding.UTF8.GetString(writer.WrittenSpan));
    }
}
