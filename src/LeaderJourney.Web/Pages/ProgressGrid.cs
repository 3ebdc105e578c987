using System.Text.Json;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Web.Pages;

/// <param name="LearningLogged">The leader is on their way (active), the next level's learning is logged and it lacks only a sign-off, with no request waiting (none asked, or one declined): a mentor can sign it off.</param>
/// <param name="SignedOffLevels">Levels above the one attained that a mentor's sign-off stands on, not attained yet (the learning, or a level below, is missing).</param>
/// <param name="TopLevel">The framework's top level as the grid draws it (at most three).</param>
public sealed record ThemeRow(string Code, string Title, int Level, int? PendingLevel, bool LearningLogged = false, IReadOnlySet<int>? SignedOffLevels = null, int TopLevel = 3)
{
    /// <summary>
    /// The level the leader works towards: the one a request waits at (what a mentor's form answers), else
    /// the one after the level held, at most the top. The commands' own AtNextLevel (the leader's theme page)
    /// settles the level after the one held inside the command; a mentor's assessment and sign-off are two
    /// commands that must name one level, so the page settles it, as the grid stands when the form is sent.
    /// </summary>
    public int NextLevel => PendingLevel ?? Math.Min(Level + 1, TopLevel);

    /// <summary>Every level is attained and none is asked for: "The next level" names none (a form chosen so is refused, saying so).</summary>
    public bool EveryLevelAttained => PendingLevel is null && Level >= TopLevel;
}
public sealed record DomainRow(string Code, string Name, int Level, IReadOnlyList<ThemeRow> Themes);

/// <param name="ThemeAddress">Where a theme's title leads (its code is appended, then <paramref name="AfterCode"/>), or null for titles without a link.</param>
public sealed record ProgressGridView(IReadOnlyList<DomainRow> Domains, string? ThemeAddress, string AfterCode = "");

/// <summary>A leader's framework as a grid of domains, themes and levels: the leader's own journey and a mentor's view of a mentee show the same.</summary>
public static class ProgressGrid
{
    /// <param name="policy">The leader's affiliate's attainment rule: a next level whose learning is logged and that lacks only a sign-off is marked so.</param>
    public static async Task<IReadOnlyList<DomainRow>> OfAsync(LoadedLeader loaded, FrameworkCatalog catalog, AttainmentPolicy policy, CancellationToken ct)
    {
        var progress = LeaderProgress.Of(loaded.State, loaded.Scope.ThemeToDomain).Themes.ToDictionary(t => t.Code);
        // The grid draws three levels; nothing is signed off on a paused or withdrawn journey.
        bool LearningLogged(string code, int level, int? pending) => loaded.State.Status == LeaderStatus.Active && level < Math.Min(loaded.Scope.MaxLevel, 3) && pending is null
            && AttainmentRule.Needs(loaded.State, code, level + 1, policy) is { Learning: false, PreviousLevel: false, SignOffs: > 0 };
        using var content = JsonDocument.Parse((await catalog.GetAsync(loaded.State.FrameworkEditionId, ct))!.ToJsonString());
        return content.RootElement.GetProperty("domains").EnumerateArray().Select(d =>
        {
            var themes = d.GetProperty("themes").EnumerateArray().Select(t =>
            {
                var code = t.GetProperty("code").GetString()!;
                var (level, pending) = (progress[code].Level, progress[code].PendingLevel);
                return new ThemeRow(code, t.GetProperty("title").GetString()!, level, pending, LearningLogged(code, level, pending),
                    loaded.State.SignOffs.Where(s => s.ThemeCode == code && s.Level > level).Select(s => s.Level).ToHashSet(), Math.Min(loaded.Scope.MaxLevel, 3));
            }).ToList();
            return new DomainRow(d.GetProperty("code").GetString()!, d.GetProperty("name").GetString()!, themes.Min(t => t.Level), themes);
        }).ToList();
    }

    /// <summary>
    /// The theme's row, whose <see cref="ThemeRow.NextLevel"/> a form's "The next level" stands for, or null for a theme not
    /// in the grid (the command then refuses the theme). A form on one leader starts there unless it was opened at a
    /// level: chosen from the list, a theme at Level 1 was assessed at Level 1 again, a theme at none at Level 1 by luck.
    /// </summary>
    public static ThemeRow? ThemeAt(this IEnumerable<DomainRow> domains, string? themeCode) =>
        domains.SelectMany(d => d.Themes).FirstOrDefault(t => t.Code == themeCode);

    /// <summary>The themes of the given framework editions by domain (each domain named with its framework when there are several), for a form on several leaders: no one's level.</summary>
    public static async Task<IReadOnlyList<DomainRow>> ThemesAsync(FrameworkCatalog catalog, IReadOnlyList<FrameworkSummary> editions, CancellationToken ct)
    {
        var rows = new List<DomainRow>();
        foreach (var edition in editions)
        {
            using var content = JsonDocument.Parse((await catalog.GetAsync(edition.Id, ct))!.ToJsonString());
            foreach (var d in content.RootElement.GetProperty("domains").EnumerateArray())
            {
                var name = d.GetProperty("name").GetString()!;
                rows.Add(new DomainRow(d.GetProperty("code").GetString()!, editions.Count > 1 ? $"{edition.Name}: {name}" : name, 0,
                    [.. d.GetProperty("themes").EnumerateArray().Select(t => new ThemeRow(t.GetProperty("code").GetString()!, t.GetProperty("title").GetString()!, 0, null))]));
            }
        }
        return rows;
    }
}

/// <summary>A theme of the leader's framework (by domain, with the level the leader stands at) and a level to record at, as a form asks for them; the choice sent before, if any, chosen again.</summary>
/// <param name="WithLevels">Whether each theme shows the level the leader stands at (not for a form on several leaders).</param>
/// <param name="ChooseFirst">Whether, with nothing chosen, the theme list starts at "Choose a theme" rather than at the first theme, so that no one records at a theme by leaving it as it was.</param>
/// <param name="IdPrefix">Put before the selects' ids, for a second form of the kind on one page.</param>
/// <param name="OffersNext">A form on one leader: the level list starts at "The next level" (the page picks it by the theme chosen: <see cref="ProgressGrid.ThemeAt"/>) unless a level is given.</param>
public sealed record ThemeAndLevelChoice(IReadOnlyList<DomainRow> Domains, string? ThemeCode, int? Level, bool WithLevels = true, bool ChooseFirst = false, string IdPrefix = "", bool OffersNext = false);
