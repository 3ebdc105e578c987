using LeaderJourney.Domain.Demographics;
using Microsoft.Extensions.Configuration;

namespace LeaderJourney.Core.Leaders.Demographics;

/// <summary>
/// The lists an affiliate reports on, from <c>LeaderJourney:Demographics:&lt;affiliate&gt;:&lt;category&gt;</c>
/// (values separated by <c>;</c>), e.g. <c>LeaderJourney__Demographics__OH__jobCategory="teacher;ESP;retired"</c>;
/// a category an affiliate does not configure keeps <see cref="DemographicLists.Defaults"/>. A change
/// applies to what is counted after the equity read model is rebuilt (<c>projections rebuild equity</c>).
/// </summary>
public static class DemographicSettings
{
    public const string Section = "LeaderJourney:Demographics";

    public static DemographicLists From(IConfiguration configuration)
    {
        var byAffiliate = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var affiliate in configuration.GetSection(Section).GetChildren())
        {
            var lists = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var category in affiliate.GetChildren())
            {
                if (!DemographicLists.Categories.Contains(category.Key))
                    throw new InvalidOperationException($"{Section}:{affiliate.Key}:{category.Key}: the categories are {string.Join(", ", DemographicLists.Categories)}.");
                lists[category.Key] = (category.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            byAffiliate[affiliate.Key] = lists;
        }
        return new DemographicLists(byAffiliate);
    }
}
