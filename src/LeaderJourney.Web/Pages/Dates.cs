using System.Globalization;

namespace LeaderJourney.Web.Pages;

/// <summary>A date in words, the reader's way: "6 December 2026" in English, "6 de diciembre de 2026" in Spanish.</summary>
public static class Dates
{
    /// <summary>
    /// The earliest day a training can have been completed on, for the forms: a year typed short (0202 for 2022)
    /// is caught there, rather than counted as learning of long ago. The API takes any past date.
    /// </summary>
    public static readonly DateOnly EarliestLearning = new(1950, 1, 1);

    public static string Long(DateOnly date) => date.ToString(Pattern, CultureInfo.CurrentCulture);

    public static string Long(DateTime date) => date.ToString(Pattern, CultureInfo.CurrentCulture);

    /// <summary>A moment in words with its time in UTC, said so: "9 December 2026, 04:36 UTC" (the server's own zone means nothing to its reader).</summary>
    public static string LongWithTime(DateTimeOffset moment) =>
        $"{Long(moment.UtcDateTime)}, {moment.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC";

    // Spanish joins the day, month and year with "de"; the pages' English writes the day first.
    private static string Pattern => CultureInfo.CurrentCulture.TwoLetterISOLanguageName == "es" ? "d 'de' MMMM 'de' yyyy" : "d MMMM yyyy";
}
