namespace LeaderJourney.Core.Access;

/// <summary>The roles of API.md, by the names the API and the command line use.</summary>
public static class Roles
{
    public const string NationalAdmin = "national-admin";
    public const string AffiliateAdmin = "affiliate-admin";
    public const string Mentor = "mentor";
    public const string Leader = "leader";
    public const string Board = "board";

    public static readonly IReadOnlyList<string> All = [NationalAdmin, AffiliateAdmin, Mentor, Leader, Board];

    public static bool IsAdmin(string role) => role is NationalAdmin or AffiliateAdmin;
}

/// <summary>
/// The signed-in user: every event they cause names them, and every read and write is scoped to
/// <see cref="Affiliate"/> (null only for national admins, who see every affiliate).
/// </summary>
public sealed record CurrentUser(Guid UserId, string Username, string Role, string? Affiliate, Guid? LeaderId)
{
    public bool IsNationalAdmin => Role == Roles.NationalAdmin;
    public bool IsAdmin => Roles.IsAdmin(Role);

    /// <summary>National admins see every affiliate; everyone else only their own.</summary>
    public bool CanSee(string affiliate) => IsNationalAdmin || string.Equals(Affiliate, affiliate, StringComparison.Ordinal);

    /// <summary>Whoever runs the command line on the installation (it is how the first national admin is made): no user, every right.</summary>
    public static CurrentUser Operator { get; } = new(Guid.Empty, $"cli:{Environment.UserName}", Roles.NationalAdmin, null, null);

    public bool IsOperator => UserId == Guid.Empty;

    /// <summary>Who the events a write stores name as their writer: a user by id; the command line's operator (or the built-in catalog), which is no user, by name.</summary>
    public string ActorName => IsOperator ? Username : UserId.ToString();
}
