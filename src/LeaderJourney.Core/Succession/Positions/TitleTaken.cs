using System.Text.RegularExpressions;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.Positions;

/// <summary>
/// A definition asked to stop if its title is taken (<see cref="DefinePositionCommand.AsksIfTitleTaken"/>) found
/// positions of the affiliate with that title: nothing was appended, and the sender asks whether it is another seat.
/// </summary>
public sealed class TitleTakenException(IReadOnlyList<Position> positions) : Exception("A position of this title is already defined.")
{
    public IReadOnlyList<Position> Positions { get; } = positions;
}

/// <summary>
/// The look for a position of the same title, its case and spaces aside, made while the definition holds its
/// affiliate's turn (<see cref="Engine.AffiliateTurn"/>). One position defined twice (the form sent again later,
/// "Treasurer" and "treasurer") splits its candidates and seat in two, while several seats of one title are real
/// (a board's members), so the page asks. Looked at before the command, two posts at one moment both found none;
/// positions are read from their streams, so the second looks after the first has committed.
/// </summary>
public static partial class TitleTaken
{
    /// <summary>A title as definitions compare them: inner spaces collapsed, trimmed, its case ignored.</summary>
    public static string Key(string? title) => Spaces().Replace(title ?? "", " ").Trim().ToUpperInvariant();

    /// <summary>Refuses the definition (<see cref="TitleTakenException"/>) when a position of the affiliate, not retired, has its title.</summary>
    public static async Task RefuseIfTakenAsync(SuccessionData data, string affiliate, string title, CancellationToken ct)
    {
        // Every position stored now, whatever time another host's clock gave its definition.
        var same = (await data.PositionsAsync(affiliate, DateTimeOffset.MaxValue, ct)).Where(p => Key(p.Title) == Key(title)).ToList();
        if (same.Count > 0) throw new TitleTakenException(same);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
