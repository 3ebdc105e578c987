using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Core.Leaders;

public static class ActorMapping
{
    /// <summary>The domain's view of a role name.</summary>
    public static Role ToDomain(string role) => role switch
    {
        Roles.NationalAdmin => Role.NationalAdmin,
        Roles.AffiliateAdmin => Role.AffiliateAdmin,
        Roles.Mentor => Role.Mentor,
        Roles.Leader => Role.Leader,
        Roles.Board => Role.Board,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static Actor ToActor(this CurrentUser user) => new(user.UserId, ToDomain(user.Role), user.LeaderId);
}
