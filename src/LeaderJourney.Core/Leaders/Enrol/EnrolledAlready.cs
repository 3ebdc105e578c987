using Marten;

namespace LeaderJourney.Core.Leaders.Enrol;

/// <summary>
/// An enrolment asked to stop if the person may be enrolled already (<see cref="EnrolLeaderCommand.AsksIfEnrolled"/>)
/// found a leader of the affiliate with the same e-mail address or the same name: nothing was appended, and
/// the sender asks whether this is someone else.
/// </summary>
public sealed class AlreadyEnrolledException(IReadOnlyList<(NamedLeader Leader, bool SameAddress)> leaders)
    : Exception("A leader with this address or name is already enrolled.")
{
    /// <summary>Those found, each saying whether the address (else the name) is the same.</summary>
    public IReadOnlyList<(NamedLeader Leader, bool SameAddress)> Leaders { get; } = leaders;
}

/// <summary>
/// The look for the person among those enrolled, made while the enrolment holds its affiliate's turn
/// (<see cref="Engine.AffiliateTurn"/>). Made before the command, as the staff page once did, two staff (or two
/// tabs) enrolling one person at the same moment both found nobody and made two leaders (8 of 30 rounds in a
/// probe; 6 of 6 tabs in the test without the turn). The leaders' table is inline (written in the enrolment's
/// transaction), so the second enrolment looks, on its own connection, after the first has committed.
/// </summary>
public static class EnrolledAlready
{
    /// <summary>Waits for the affiliate's other asking enrolments to end; the turn is held until this session's transaction ends.</summary>
    public static Task TakeTurnAsync(IDocumentSession session, string affiliate, CancellationToken ct) =>
        Engine.AffiliateTurn.TakeAsync(session, "enrol", affiliate, ct);

    /// <summary>
    /// Refuses the enrolment (<see cref="AlreadyEnrolledException"/>) when a leader of the affiliate has its address or its
    /// name. Addresses are not looked for while the leaders' table is rebuilt after an upgrade (the page says so).
    /// </summary>
    public static async Task RefuseIfFoundAsync(LeaderLists lists, string affiliate, string displayName, string email, CancellationToken ct)
    {
        var sameAddress = (await lists.WithAddressAsync(affiliate, [email], ct) ?? []).Select(a => a.Leader).ToList();
        var sameName = await lists.NamedAsync(affiliate, [displayName], ct);
        List<(NamedLeader, bool)> found = [.. sameAddress.Select(l => (l, true)), .. sameName.Where(l => !sameAddress.Any(a => a.Id == l.Id)).Select(l => (l, false))];
        if (found.Count > 0) throw new AlreadyEnrolledException(found);
    }
}
