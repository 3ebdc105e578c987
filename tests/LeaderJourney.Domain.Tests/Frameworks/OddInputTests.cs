using System.Diagnostics;
using System.Text;
using LeaderJourney.Domain.Frameworks;
using Xunit.Abstractions;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>
/// Inputs that are not framework documents, or are broken ones: each must fail with a
/// <see cref="FrameworkDocumentException"/> naming the line. The parser must stay linear (a
/// backtracking pattern would blow up on the 10 MB inputs): that is asserted as one 10 MB input
/// against twenty of 0.5 MB, which a busy machine keeps, never as seconds, which it does not (absolute parse times are
/// in the benchmark, <c>bench -- --parser</c>).
/// </summary>
[Collection(TimedTests.Name)]
public sealed class OddInputTests(ITestOutputHelper output)
{
    private const int OneMegabyte = 1024 * 1024;
    private const int TenMegabytes = 10 * OneMegabyte;
    private const string TabHeader = "Competency Theme\tLevel 1: Foundational\tLevel 2: Mobilizing\tLevel 3: Agenda Driving";

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "empty file", 1, "empty" },
        { "white space only", 1, "empty" },
        { "headings only", 1, "nothing recognisable" },
        { "prose only", 1, "nothing recognisable" },
        { "binary with NUL bytes", 4, "not a text document" },
        { "binary control characters", 1, "not a text document" },
        { "10 MB of prose", 1, "nothing recognisable" },
        { "10 MB table ending in a row with a missing cell", LinesOfBigTable, "3 cells but the table has 4 columns" },
        { "tab table with a missing cell", 5, "2 cells but the table has 4 columns" },
        { "markdown table with a missing cell", 6, "3 cells but the table has 4 columns" },
        { "unknown level header", 3, "unknown level header 'Stage A: Beginner'" },
        { "header cell that is not a level", 3, "unknown level header 'Proficient'" },
        { "split header naming an unknown level", 3, "unknown level header 'Stage 2: Mobilizing'" },
    };

    private static int LinesOfBigTable => BigTable.Value.Count(c => c == '\n') + 1;

    private static readonly Lazy<string> BigTable = new(() => Table(TenMegabytes));
    private static readonly Lazy<string> BigProse = new(() => Prose(TenMegabytes));

    /// <summary>A table of about <paramref name="size"/> characters full of artifacts, ending in a row with a missing cell.</summary>
    public static string Table(int size)
    {
        var text = new StringBuilder("ADVOCACY\n\nDescription.\n\n").Append(TabHeader).Append('\n');
        const string Row = "Identifies appro- priate messages*\tUnderstands condi- tions⁷ Learning Considerations Learns system- level and short- and long-term ^{1} goals\tB Learning Considerations C\tD Learning Considerations E\n";
        while (text.Length < size)
        {
            text.Append(Row);
        }

        return text.Append("Broken row\tonly\ttwo cells").ToString();
    }

    /// <summary>The same table without its broken last row: a valid document.</summary>
    public static string ValidTable(int size)
    {
        var table = Table(size);
        return table[..table.LastIndexOf('\n')];
    }

    public static string Prose(int size)
    {
        var text = new StringBuilder();
        const string Line = "Words broken by appro- priate hyphen- ation ^{1} and superscripts⁷ with * marks, system- level and short- and long-term.\n";
        while (text.Length < size)
        {
            text.Append(Line);
        }

        return text.ToString();
    }

    private static string Input(string name) => name switch
    {
        "empty file" => string.Empty,
        "white space only" => " \n\t\n  \r\n",
        "headings only" => "ADVOCACY\n\nORGANIZING\n\nCOMMUNICATION\n",
        "prose only" => "This document only talks about leadership.\nIt has no table and no numbered outline.\n",
        "binary with NUL bytes" => "%PDF-1.7\n%âãÏÓ\n1 0 obj\n\0\0\u0001stream\n",
        "binary control characters" => new string(Enumerable.Range(0, 400).Select(i => (char)(1 + (i % 8))).ToArray()),
        "10 MB of prose" => BigProse.Value,
        "10 MB table ending in a row with a missing cell" => BigTable.Value,
        "tab table with a missing cell" => $"ADVOCACY\n\nDescription.\n{TabHeader}\nUtilizes best practices\tIdentifies issues\n",
        "markdown table with a missing cell" => "ADVOCACY\n\n| Competency Theme | Level 1: Foundational | Level 2: Mobilizing | Level 3: Agenda Driving |\n|---|---|---|---|\n| Leads reform | A | B | C |\n| Acts as advocate | A | B |\n",
        "unknown level header" => "ADVOCACY\n\nCompetency Theme\tStage A: Beginner\tStage B: Expert\nLeads reform\tA\tB\n",
        "header cell that is not a level" => "ADVOCACY\n\n| Competency Theme | Level 1: Foundational | Proficient |\n|---|---|---|\n| Leads reform | A | B |\n",
        "split header naming an unknown level" => "ADVOCACY\n\n| Competency | Level 1: | Stage 2: |\n|---|---|---|\n| Theme | Foundational | Mobilizing |\n| Leads reform | A | B |\n",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fails_naming_the_line(string name, int line, string problem)
    {
        var act = () => FrameworkDocumentParser.Parse(Input(name), "odd.txt");

        var error = act.Should().Throw<FrameworkDocumentException>().Which;
        error.Line.Should().Be(line);
        error.Message.Should().StartWith($"odd.txt, line {line}: ").And.Contain(problem);
    }

    [Fact]
    public void A_valid_10_MB_document_full_of_artifacts_parses()
    {
        var framework = FrameworkDocumentParser.Parse(ValidTable(TenMegabytes));

        framework.AllThemes().Should().HaveCountGreaterThan(40_000);
        framework.Theme("ADV.1").Title.Should().Be("Identifies appropriate messages");
        framework.Theme("ADV.1").Levels[0].Considerations.Should().Be("Learns systemlevel and short- and long-term goals");
    }

    /// <summary>
    /// One 10 MB input must cost about what twenty 0.5 MB inputs cost: the same bytes, parsed linearly.
    /// A quadratic parser would take about twenty times as long on the large one. Both sides do the same
    /// amount of work, so a busy machine (the integration tests run beside these) slows them alike;
    /// each counts its best of five runs, each after a full collection, after a warm-up that pays for
    /// JIT and heap growth.
    /// </summary>
    [Theory]
    [InlineData("valid table")]
    [InlineData("table with a missing cell")]
    [InlineData("prose")]
    public void Parsing_time_grows_linearly_with_the_input(string kind)
    {
        Func<int, string> make = kind switch
        {
            "valid table" => ValidTable,
            "table with a missing cell" => Table,
            _ => Prose,
        };
        const int Pieces = 20;
        var small = make(TenMegabytes / Pieces);
        var large = make(TenMegabytes);
        WarmUp(large);

        var smallTime = BestOfFive(() =>
        {
            for (var i = 0; i < Pieces; i++) ParseOrFail(small);
        });
        var largeTime = BestOfFive(() => ParseOrFail(large));
        var growth = largeTime.TotalMilliseconds / Math.Max(smallTime.TotalMilliseconds, 0.5);
        output.WriteLine($"{kind}: {Pieces} x 0.5 MB {smallTime.TotalMilliseconds:F0} ms, 10 MB {largeTime.TotalMilliseconds:F0} ms, ratio {growth:F2}");

        growth.Should().BeLessThan(6, "parsing is linear in the input (a quadratic parser takes about 20 times as long on the large one)");
    }

    private static TimeSpan BestOfFive(Action parse)
    {
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var stopwatch = Stopwatch.StartNew();
            parse();
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, stopwatch.Elapsed.Ticks));
        }

        return best;
    }

    private static void ParseOrFail(string text)
    {
        try
        {
            FrameworkDocumentParser.Parse(text);
        }
        catch (FrameworkDocumentException)
        {
            // Broken inputs are timed to their refusal.
        }
    }

    [Fact]
    public void A_null_text_is_an_argument_error()
    {
        var act = () => FrameworkDocumentParser.Parse(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    /// <summary>The one-off JIT cost and the heap growth of a first large parse are paid before timing.</summary>
    private static void WarmUp(string large)
    {
        FrameworkDocumentParser.Parse("ADVOCACY\n\n" + TabHeader + "\nLeads- reform*\tA\tB Learning Considerations C\tD\n");
        ParseOrFail(large);
    }
}

/// <summary>Tests that compare timings run alone, after the parallel ones, so other tests' load skews the clock less.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedTests
{
    public const string Name = "Timed tests";
}
