using LeaderJourney.Domain.Leaders;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.Core.Leaders;

/// <summary>
/// Each affiliate's attainment rule. The default (API.md) is one sign-off for every level; an affiliate
/// may require more, configured as <c>LeaderJourney:Affiliates:{code}:RequiredSignOffs:{level} = {count}</c>
/// (for example two sign-offs for Level 3).
/// </summary>
public sealed class AttainmentPolicies(IConfiguration configuration)
{
    public AttainmentPolicy For(string affiliate)
    {
        var section = configuration.GetSection($"LeaderJourney:Affiliates:{affiliate}:RequiredSignOffs");
        var required = section.GetChildren()
            .Where(c => int.TryParse(c.Key, out _) && int.TryParse(c.Value, out _))
            .ToDictionary(c => int.Parse(c.Key), c => int.Parse(c.Value!));
        return required.Count == 0 ? AttainmentPolicy.Default : new AttainmentPolicy(required);
    }
}
