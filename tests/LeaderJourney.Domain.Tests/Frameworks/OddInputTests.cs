using System.Diagnostics;
using System.Text;
using LeaderJourney.Domain.Frameworks;
using Xunit.Abstractions;

namespace LeaderJourney.Domain.Tests.Frameworks;

/// <summary>
/// Inputs that are not framework documents, or are broken ones: each must fail with a
/// <see cref="FrameworkDocumentException"/> naming the line, and must do so within one second
/// (the parser is linear; a backtracking pattern would blow up on the 10 MB inputs).
/// </summary>
[Collection(TimedTests.Name)]
public sealed class OddInputTests(ITestOutputHelper output)
{
    private const int TenMegabytes = 10 * 1024 * 1024;
    private const string TabHeader = "Competency Theme\tLevel 1: Foundational\tLevel 2: Mobilizing\tLevel 3: Agenda Driving";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

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

    private static readonly Lazy<string> BigTable = new(() =>
    {
        var text = new StringBuilder("ADVOCACY\n\nDescription.\n\n").Append(TabHeader).Append('\n');
        const string Row = "Identifies appro- priate messages*\tUnderstands condi- tions⁷ Learning Considerations Learns system- level and short- and long-term ^{1} goals\tB Learning Considerations C\tD Learning Considerations E\n";
        while (text.Length < TenMegabytes)
        {
            text.Append(Row);
        }

        return text.Append("Broken row\tonly\ttwo cells").ToString();
    });

    private static readonly Lazy<string> BigProse = new(() =>
    {
        var text = new StringBuilder();
        const string Line = "Words broken by appro- priate hyphen- ation ^{1} and superscripts⁷ with * marks, system- level and short- and long-term.\n";
        while (text.Length < TenMegabytes)
        {
            text.Append(Line);
        }

        return text.ToString();
    });

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
    public void Fails_naming_the_line_within_a_second(string name, int line, string problem)
    {
        var input = Input(name);
        WarmUp();

        // The limit is about the parser's own work; on a shared machine (the integration tests run
        // beside these) one run can be slowed by others, so the best of three counts.
        var best = TimeSpan.MaxValue;
        FrameworkDocumentException? error = null;
        for (var run = 0; run < 3 && best >= Limit; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            var act = () => FrameworkDocumentParser.Parse(input, "odd.txt");
            error = act.Should().Throw<FrameworkDocumentException>().Which;
            stopwatch.Stop();
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, stopwatch.Elapsed.Ticks));
        }
        output.WriteLine($"{name}: best {best.TotalMilliseconds:F0} ms");

        error!.Line.Should().Be(line);
        error.Message.Should().StartWith($"odd.txt, line {line}: ").And.Contain(problem);
        best.Should().BeLessThan(Limit);
    }

    [Fact]
    public void A_valid_10_MB_document_full_of_artifacts_parses_within_a_second()
    {
        var text = BigTable.Value[..BigTable.Value.LastIndexOf('\n')];

        // The first 10 MB parse in a process also pays for growing the heap (~150 MB allocated), and
        // a shared machine may be busy: the limit is about the parser's own work, so the best of three
        // runs after a warm-up is taken. A super-linear parser would miss it on every run.
        var framework = FrameworkDocumentParser.Parse(text);
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            FrameworkDocumentParser.Parse(text);
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, stopwatch.Elapsed.Ticks));
        }

        output.WriteLine($"valid 10 MB document, best of three: {best.TotalMilliseconds:F0} ms");

        best.Should().BeLessThan(Limit);
        framework.AllThemes().Should().HaveCountGreaterThan(40_000);
        framework.Theme("ADV.1").Title.Should().Be("Identifies appropriate messages");
        framework.Theme("ADV.1").Levels[0].Considerations.Should().Be("Learns systemlevel and short- and long-term goals");
    }

    [Fact]
    public void A_null_text_is_an_argument_error()
    {
        var act = () => FrameworkDocumentParser.Parse(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    /// <summary>The limit is about the algorithm, so the one-off JIT cost is paid before timing.</summary>
    private static void WarmUp() =>
        FrameworkDocumentParser.Parse("ADVOCACY\n\n" + TabHeader + "\nLeads- reform*\tA\tB Learning Considerations C\tD\n");
}

/// <summary>Timed tests run alone, after the parallel ones, so other tests' load does not skew the clock.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedTests
{
    public const string Name = "Timed tests";
}
