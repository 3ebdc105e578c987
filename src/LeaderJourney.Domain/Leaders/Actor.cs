namespace LeaderJourney.Domain.Leaders;

public enum Role { NationalAdmin, AffiliateAdmin, Mentor, Leader, Board }

/// <summary>Who issues a command. <paramref name="LeaderId"/> is set when this user IS a leader (role Leader).</summary>
public sealed record Actor(Guid UserId, Role Role, Guid? LeaderId)
{
    public bool IsAdmin => Role is Role.NationalAdmin or Role.AffiliateAdmin;
}
