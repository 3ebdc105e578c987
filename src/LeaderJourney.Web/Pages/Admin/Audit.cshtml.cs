using LeaderJourney.Core.Access;
using LeaderJourney.Core.Privacy.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Admin;

/// <summary>National admins: who read a leader's record or an equity breakdown, and when (newest first).</summary>
public sealed class AuditModel(SensitiveReads reads, AccessDirectory directory, LeaderJourney.Core.Leaders.LeaderLists lists) : PageModel
{
    /// <summary>A leader's name as people know it, or their id (copied from a record's address).</summary>
    [BindProperty(SupportsGet = true, Name = "leader")] public string? Leader { get; set; }

    /// <summary>The address's name for <see cref="Leader"/> before it took a name too: links kept from then still work.</summary>
    [BindProperty(SupportsGet = true)] public string? LeaderId { get; set; }
    public IReadOnlyList<SensitiveRead> Reads { get; private set; } = [];
    /// <summary>Who read (user names) and whose record (leaders' names), so the trail reads as names, not ids.</summary>
    public IReadOnlyDictionary<Guid, string> UserNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyDictionary<Guid, string> LeaderNames { get; private set; } = new Dictionary<Guid, string>();

    public static string WhatWords(string what) => what switch
    {
        SensitiveReads.LeaderRecord => "read the leader's record",
        SensitiveReads.EquityBreakdown => "saw the equity breakdown",
        SensitiveReads.SubjectAccessExport => "exported the leader's data",
        SensitiveReads.LeaderListExport => "downloaded the list of leaders",
        _ => what,
    };
    public string? Error { get; private set; }

    /// <summary>The leaders whose name holds what was typed, when it is not an id: one is shown at once; several are offered to choose from.</summary>
    public IReadOnlyList<(LeaderJourney.Core.Leaders.NamedLeader Leader, string Affiliate)> Named { get; private set; } = [];
    public const int MaxNamed = 20;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!caller.IsNationalAdmin) return Forbid();
        Leader ??= LeaderId;
        Guid? leader = null;
        if (!string.IsNullOrWhiteSpace(Leader))
        {
            // A name several leaders share asks which, and shows no reads until one is chosen (all of them would read as that name's).
            if (Guid.TryParse(Leader.Trim(), out var id)) leader = id;
            else
            {
                Named = await lists.NamedLikeInEveryAffiliateAsync(caller, Leader, MaxNamed + 1, ct);
                if (Named.Count == 1) leader = Named[0].Leader.Id;
                else if (Named.Count == 0) Error = $"No leader's name contains '{Leader.Trim()}'.";
                if (Named.Count != 1) return Page();
            }
        }
        Reads = await reads.ListAsync(leader, null, null, null, 200, ct);
        var users = new Dictionary<Guid, string>();
        foreach (var userId in Reads.Select(r => r.UserId).Distinct())
            if (await directory.FindByIdAsync(userId, ct) is { } user) users[userId] = user.Username;
        UserNames = users;
        LeaderNames = await lists.NamesAsync(Reads.Where(r => r.LeaderId is not null).Select(r => r.LeaderId!.Value).Distinct().ToList(), ct);
        return Page();
    }
}
