using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary>A nominated candidate in a cell of the grid: how ready the levels say, and how ready a person judged (when one did).</summary>
public sealed record GridCandidate(Guid LeaderId, string DisplayName, string ComputedReadiness, string? AssessedReadiness);

/// <summary>
/// A key position's row of the board's grid: who holds it until when, its risk, and its nominated
/// candidates in the column of their readiness (the assessed one where a person judged, as the
/// succession report counts them).
/// </summary>
public sealed record GridRow(Guid PositionId, string Title, IncumbentView? Incumbent, DateOnly? TermEndsOn, string Risk,
    IReadOnlyList<GridCandidate> ReadyNow, IReadOnlyList<GridCandidate> Ready1to2Years, IReadOnlyList<GridCandidate> Ready3PlusYears);

/// <summary>
/// A decision recorded on one of the affiliate's positions: <see cref="Decision"/> is the published
/// name of its event without "position." (candidate-nominated, readiness-assessed, appointed, ...).
/// <see cref="Note"/> is the judgement's justification, or for staff the nomination's note or the withdrawal's reason;
/// <see cref="At"/> is when it was recorded (for the board, the start of that day, UTC).
/// </summary>
public sealed record ReviewDecision(DateTimeOffset At, Guid PositionId, string Position, string Decision, Guid? LeaderId, string? DisplayName,
    string? Readiness, DateOnly? On, DateOnly? TermEndsOn, string? Note, Guid DecidedBy, string? DecidedByName);

/// <summary>
/// The talent review of `API.md`: the board's grid of key positions by readiness as of a moment, and
/// the decisions recorded on the affiliate's positions from <see cref="Since"/> to that moment (a
/// meeting's, when the window is the meeting's day). Computed as the succession report is, so the
/// grid's coverage and bench are the succession report's.
/// </summary>
public sealed record TalentReviewReport(string Affiliate, DateTimeOffset AsOf, DateTimeOffset Since, DateTimeOffset GeneratedAt,
    CoverageView Coverage, Bench BenchStrength, IReadOnlyList<GridRow> Grid, IReadOnlyList<ReviewDecision> Decisions)
{
    /// <param name="succession">The succession report as of the same moment (the grid's rows and readiness).</param>
    /// <param name="decisions">The decisions of the window (<see cref="DecisionsSince"/>), to be named.</param>
    /// <param name="names">Leaders' names known now; a leader left out (enrolled after the moment) is given by id alone.</param>
    /// <param name="usernames">Who recorded the decisions, by user id.</param>
    /// <param name="forStaff">
    /// Whether the reader is staff, who see their own notes on a slate (a nomination's note, a
    /// withdrawal's reason) and each decision's moment. The board sees a readiness call's
    /// justification, as in the succession report, and each decision dated to its day: it sees no
    /// exact times (docs/security.md).
    /// </param>
    public static TalentReviewReport Build(SuccessionReport succession, DateTimeOffset since, IReadOnlyList<ReviewDecision> decisions,
        IReadOnlyDictionary<Guid, string> names, IReadOnlyDictionary<Guid, string> usernames, bool forStaff)
    {
        var grid = succession.Positions.Select(p =>
        {
            IReadOnlyList<GridCandidate> In(string readiness) =>
                [.. p.Candidates.Where(c => c.Readiness == readiness).Select(c => new GridCandidate(c.LeaderId, c.DisplayName, c.ComputedReadiness, c.AssessedReadiness))];
            return new GridRow(p.Id, p.Title, p.Incumbent, p.TermEndsOn, p.Risk,
                In(ReadinessNames.ReadyNow), In(ReadinessNames.Ready1To2Years), In(ReadinessNames.Ready3PlusYears));
        }).ToList();
        var named = decisions.Select(d => d with
        {
            DisplayName = d.LeaderId is { } leader ? names.GetValueOrDefault(leader) : null,
            DecidedByName = usernames.GetValueOrDefault(d.DecidedBy),
            Note = forStaff || d.Decision == "readiness-assessed" ? d.Note : null,
            At = forStaff ? d.At : new DateTimeOffset(d.At.UtcDateTime.Date, TimeSpan.Zero),
        }).ToList();
        return new TalentReviewReport(succession.Affiliate, succession.AsOf, since, succession.GeneratedAt, succession.Coverage, succession.BenchStrength, grid, named);
    }

    /// <summary>The decisions recorded on these positions from <paramref name="since"/> on, oldest first (unnamed: <see cref="Build"/> names them).</summary>
    public static IReadOnlyList<ReviewDecision> DecisionsSince(IReadOnlyList<(Position Position, IReadOnlyList<StoredEvent> Events)> histories, DateTimeOffset since) =>
        histories
            .SelectMany(h => h.Events.Select(e => (h.Position, Event: e, At: SuccessionData.TimeOf(e.Data))))
            .Where(d => d.At >= since)
            // Decisions recorded at one moment (a clock held still, or one command's events) in the order they were stored.
            .OrderBy(d => d.At).ThenBy(d => d.Event.Sequence)
            .Select(d => Describe(d.Position, d.Event.Data, d.At))
            .ToList();

    private static ReviewDecision Describe(Position position, object e, DateTimeOffset at)
    {
        ReviewDecision Of(Guid? leader, Guid by, string? readiness = null, DateOnly? on = null, DateOnly? termEndsOn = null, string? note = null) =>
            new(at, position.Id, position.Title, Name(e), leader, null, readiness, on, termEndsOn, note, by, null);
        return e switch
        {
            PositionDefined d => Of(null, d.DefinedBy),
            RequirementsChanged d => Of(null, d.ChangedBy),
            IncumbentSeated d => Of(d.LeaderId, d.SeatedBy, on: d.Since, termEndsOn: d.TermEndsOn),
            IncumbentVacated d => Of(d.LeaderId, d.VacatedBy, on: d.On),
            TermEndSet d => Of(null, d.SetBy, termEndsOn: d.TermEndsOn),
            CandidateNominated d => Of(d.LeaderId, d.NominatedBy, note: d.Note),
            CandidateWithdrawn d => Of(d.LeaderId, d.WithdrawnBy, note: d.Reason),
            ReadinessAssessed d => Of(d.LeaderId, d.AssessedBy, readiness: ReadinessNames.ToApi(d.Readiness), note: d.Justification),
            // How ready the appointee was taken to be when the slate closed.
            Appointed d => Of(d.LeaderId, d.AppointedBy, on: d.On,
                readiness: d.Slate.FirstOrDefault(s => s.LeaderId == d.LeaderId) is { } mine ? ReadinessNames.ToApi(SuccessionRules.Effective(mine.Computed, mine.Assessed)) : null),
            PositionRetired d => Of(null, d.RetiredBy),
            _ => throw new ArgumentException($"Unknown position event {e.GetType().Name}."),
        };
    }

    private static readonly Dictionary<Type, string> Names = PositionEventNames.All.ToDictionary(n => n.Type, n => n.Name["position.".Length..]);

    private static string Name(object e) => Names[e.GetType()];
}
