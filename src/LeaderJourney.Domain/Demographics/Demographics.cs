using System.Security.Cryptography;
using System.Text;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Domain.Demographics;

// A leader's self-identified demographics live in a stream of their own, apart from the journey: they
// are shown to no one but the leader and only ever leave in aggregates, and they can be withdrawn (and
// later shredded) without touching the journey's history.

/// <summary>The leader's stated demographics, given with their consent to count them in aggregates.</summary>
public sealed record DemographicsRecorded(
    Guid LeaderId, [PersonalData] IReadOnlyList<string> RaceEthnicity, [PersonalData] string? Gender, [PersonalData] string? JobCategory, Guid RecordedBy, DateTimeOffset RecordedAt);

/// <summary>The leader withdrew consent: from this moment they are counted in no breakdown.</summary>
public sealed record DemographicsConsentWithdrawn(Guid LeaderId, Guid WithdrawnBy, DateTimeOffset WithdrawnAt);

public sealed record RecordDemographics(IReadOnlyList<string> RaceEthnicity, string? Gender, string? JobCategory, bool Consent, Actor Actor, DateTimeOffset Now);
public sealed record WithdrawDemographicsConsent(Actor Actor, DateTimeOffset Now);

public sealed record DemographicsState(Guid LeaderId, bool Consented, IReadOnlyList<string> RaceEthnicity, string? Gender, string? JobCategory, long Version)
{
    public static DemographicsState Initial { get; } = new(Guid.Empty, false, [], null, null, 0);

    /// <summary>The id of the stream this folds (Marten names a fold's identity Id).</summary>
    public Guid Id => LeaderId == Guid.Empty ? Guid.Empty : StreamIdFor(LeaderId);

    public const int MaxValues = 10;
    public const int MaxValueLength = 100;

    public static readonly IReadOnlyList<(Type Type, string Name)> EventNames =
    [
        (typeof(DemographicsRecorded), "demographics.recorded"),
        (typeof(DemographicsConsentWithdrawn), "demographics.consent-withdrawn"),
    ];

    /// <summary>The demographics stream of a leader: derived from the leader's id, so it needs no lookup.</summary>
    public static Guid StreamIdFor(Guid leaderId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("leaderjourney/demographics/" + leaderId.ToString("N")));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static DemographicsState Evolve(DemographicsState state, object @event) => @event switch
    {
        DemographicsRecorded e => new DemographicsState(e.LeaderId, true, e.RaceEthnicity, e.Gender, e.JobCategory, state.Version + 1),
        DemographicsConsentWithdrawn e => new DemographicsState(e.LeaderId, false, [], null, null, state.Version + 1),
        _ => throw new ArgumentException($"Unknown demographics event {@event.GetType().Name}.", nameof(@event)),
    };

    /// <summary>
    /// Only the leader, or staff recording the leader's stated consent, records demographics; without
    /// consent nothing is stored at all.
    /// </summary>
    public static IReadOnlyList<object> Decide(Guid leaderId, object command, DemographicsState state) => command switch
    {
        RecordDemographics c when !c.Consent => throw new DomainRuleException("Demographics are recorded only with the leader's consent (consent: true)."),
        RecordDemographics c when !(c.Actor.LeaderId == leaderId || c.Actor.IsAdmin) => throw new DomainRuleException("Only the leader, or staff recording the leader's stated consent, records demographics."),
        RecordDemographics c => [new DemographicsRecorded(leaderId, Clean(c.RaceEthnicity), Value(c.Gender), Value(c.JobCategory), c.Actor.UserId, c.Now)],
        WithdrawDemographicsConsent c when !(c.Actor.LeaderId == leaderId || c.Actor.IsAdmin) => throw new DomainRuleException("Only the leader, or staff on the leader's word, withdraws consent."),
        WithdrawDemographicsConsent _ when !state.Consented => [],
        WithdrawDemographicsConsent c => [new DemographicsConsentWithdrawn(leaderId, c.Actor.UserId, c.Now)],
        _ => throw new ArgumentException($"Unknown demographics command {command.GetType().Name}.", nameof(command)),
    };

    private static IReadOnlyList<string> Clean(IReadOnlyList<string> values)
    {
        var cleaned = values.Select(Value).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (cleaned.Length > MaxValues) throw new DomainRuleException($"Give at most {MaxValues} race/ethnicity values.");
        return cleaned;
    }

    private static string? Value(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        if (trimmed.Length > MaxValueLength || trimmed.Any(char.IsControl))
            throw new DomainRuleException($"A demographic value is plain text of at most {MaxValueLength} characters.");
        return trimmed;
    }
}
