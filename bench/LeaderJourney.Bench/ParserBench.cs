using System.Diagnostics;
using System.Text;
using LeaderJourney.Domain.Frameworks;

namespace LeaderJourney.Bench;

/// <summary>
/// Absolute parse times of large framework documents, against splitting the same text into lines
/// (the least any parser must do) in the same run. The test suite only checks that parsing grows
/// linearly; the seconds live here because a busy machine moves them.
/// </summary>
public static class ParserBench
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"{"framework parser",-40} {"parse ms",9} {"split ms",9} {"parse/split",12}");
        foreach (var megabytes in new[] { 1, 10 })
        {
            var text = TableOf(megabytes * 1024 * 1024);
            FrameworkDocumentParser.Parse(text); // warm-up: JIT and heap growth
            var parse = Median(rounds, () => FrameworkDocumentParser.Parse(text));
            var split = Median(rounds, () => text.Split('\n'));
            Console.WriteLine($"{$"{megabytes} MB table with hyphenation artifacts",-40} {parse,9:F0} {split,9:F1} {parse / split,12:F0}");
        }
    }

    // Rows with the artifacts a PDF export leaves (broken hyphenation, footnote marks, superscripts).
    private static string TableOf(int size)
    {
        var text = new StringBuilder("ORGANIZING\n\nDescription.\n\nCompetency Theme\tLevel 1: Foundational\tLevel 2: Mobilizing\tLevel 3: Agenda Driving\n");
        while (text.Length < size)
            text.Append("Builds rela- tionships*\tListens to mem- bers⁷ Learning Considerations Maps the work- place ^{2}\tB\tC\n");
        return text.ToString();
    }

    private static double Median(int rounds, Action run)
    {
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }
}
