using LeaderJourney.Domain.Demographics;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;

namespace LeaderJourney.Core.Projections;

/// <summary>
/// Async: which self-identified category values each consenting leader gave, and since when, for the
/// equity breakdowns only. Nothing here is ever shown per leader: reports read it as counts, with small
/// cells suppressed. A consent withdrawal or an erasure deletes the leader's rows outright: their
/// demographics key is shredded then, so keeping the values here would undo the shredding (and a
/// rebuild could not bring them back anyway). So a withdrawn leader leaves every breakdown, as of any
/// date; reports issued before keep the counts they had. Values are kept as what they are counted as
/// (<see cref="DemographicLists"/>): a value off the affiliate's list is kept only as "self-described",
/// so a leader's own words never reach this table, let alone a report row.
/// </summary>
public sealed class EquityProjection(DemographicLists lists) : IProjection
{
    public const string ProjectionName = "equity";

    public string Name => ProjectionName;
    // 3: values counted as the affiliate's list says (self-descriptions as one value).
    public int Version => 3;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "demographics.recorded", "demographics.consent-withdrawn", "leader.erased" };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"""
            create table {context.Table("values")} (
                leader_id uuid not null, category text not null, value text not null, valid_from timestamptz not null, valid_to timestamptz);
            create index on {context.Table("values")} (leader_id, valid_from);
            """);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var values = context.Table("values");
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case DemographicsRecorded e:
                    context.Write($"update {values} set valid_to = $2 where leader_id = $1 and valid_to is null", e.LeaderId, e.RecordedAt);
                    var rows = e.RaceEthnicity.Select(v => ("raceEthnicity", v))
                        .Concat(e.Gender is { } g ? [("gender", g)] : [])
                        .Concat(e.JobCategory is { } j ? [("jobCategory", j)] : [])
                        .Select(r => (r.Item1, lists.CountedAs(stored.TenantId, r.Item1, r.Item2)))
                        .Distinct()
                        .ToArray();
                    if (rows.Length > 0)
                        context.Write($"insert into {values} select $1, c, v, $2, null from unnest($3::text[], $4::text[]) as x(c, v)",
                            e.LeaderId, e.RecordedAt, rows.Select(r => r.Item1).ToArray(), rows.Select(r => r.Item2).ToArray());
                    break;
                case DemographicsConsentWithdrawn e:
                    context.Write($"delete from {values} where leader_id = $1", e.LeaderId);
                    break;
                case LeaderErased e:
                    context.Write($"delete from {values} where leader_id = $1", e.LeaderId);
                    break;
            }
        }
    }
}
