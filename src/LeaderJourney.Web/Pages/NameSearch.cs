using System.Globalization;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// A name searched for in a short list held by the page (a mentor's mentees, an affiliate's users), as the
/// staff's search of leaders finds one in the database: case and accents aside, a hyphen a space
/// ("maria jose" finds "María-José").
/// </summary>
public static class NameSearch
{
    public static bool Finds(string text, string typed) =>
        CultureInfo.InvariantCulture.CompareInfo.IndexOf(text.Replace('-', ' '), typed.Trim().Replace('-', ' '), CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0;
}
