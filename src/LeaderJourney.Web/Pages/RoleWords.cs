using LeaderJourney.Core.Access;

namespace LeaderJourney.Web.Pages;

/// <summary>A role as the pages name it (the English words, translated where they are shown), not its code.</summary>
public static class RoleWords
{
    public static string Of(string role) => role switch
    {
        Roles.AffiliateAdmin => "Staff (affiliate admin)",
        Roles.NationalAdmin => "National admin",
        Roles.Board => "Board member",
        Roles.Mentor => "Mentor",
        Roles.Leader => "Leader",
        _ => role,
    };
}
