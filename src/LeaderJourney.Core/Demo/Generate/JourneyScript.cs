using Bogus;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Leaders;

namespace LeaderJourney.Core.Demo.Generate;

/// <summary>The people of one affiliate whom leaders' histories name: the staff member who records, and the mentors.</summary>
internal sealed record AffiliateCast(string Code, Actor Staff, IReadOnlyList<Actor> Mentors, int Locals);

/// <summary>Who a leader is: drawn first from the leader's own random, so it is known without writing the journey.</summary>
internal sealed record LeaderIdentity(Guid Id, Guid SelfUserId, string DisplayName, string Email, string Local)
{
    /// <summary>The leader acting for themself (self-assessments, their own sign-off requests).</summary>
    public Actor Self => new(SelfUserId, Role.Leader, Id);
}

/// <summary>What positions need of a written leader, kept instead of the leader's state: a hundred thousand states would not fit in memory.</summary>
internal sealed record LeaderSummary(Guid Id, DateTimeOffset EnrolledAt, bool ActiveAtEnd, IReadOnlyList<(string Theme, int Level, DateTimeOffset At)> Attained)
{
    /// <summary>The leader's level in a theme at a moment (levels are attained in order and, here, never revoked).</summary>
    public int LevelAt(string theme, DateTimeOffset moment)
    {
        var level = 0;
        foreach (var a in Attained)
            if (a.Theme == theme && a.At <= moment && a.Level > level) level = a.Level;
        return level;
    }
}

/// <summary>
/// Writes one leader's history as a person and their mentors would have made it through the app: every
/// step is a command decided by <see cref="LeaderDecider"/> against the state so far (kept incrementally,
/// never re-folded), so the stream is one the app could have produced. Time moves forward between
/// steps; the journey stops where the next step would pass the reference date, which leaves recent
/// leaders part-way, with sign-offs still waiting in their mentor's queue.
/// </summary>
internal sealed class JourneyScript
{
    // How a leader engages: how often they take a step (days), how many themes they work on, and how likely
    // they go on in a theme from Level 1 to 2 and from 2 to 3. Most go on rarely, so across many themes most
    // leaders hold Level 1 somewhere, fewer Level 2, few Level 3.
    private sealed record Persona(double PaceDays, int MinThemes, int MaxThemes, double OnToLevel2, double OnToLevel3);

    private static readonly Persona[] Personas =
    [
        new(PaceDays: 24, MinThemes: 3, MaxThemes: 8, OnToLevel2: 0.03, OnToLevel3: 0.05), // occasional
        new(PaceDays: 9, MinThemes: 10, MaxThemes: 22, OnToLevel2: 0.06, OnToLevel3: 0.15), // steady
        new(PaceDays: 6, MinThemes: 16, MaxThemes: 33, OnToLevel2: 0.10, OnToLevel3: 0.30), // driven
    ];
    private static readonly int[] PersonaWeights = [25, 50, 25];

    /// <summary>The longest history: enrolments are spread over the six years before the reference date.</summary>
    public const int MaxTenureDays = 6 * 365;

    private readonly Random _random;
    private readonly Faker _faker;
    private readonly AffiliateCast _cast;
    private readonly FrameworkScope _framework;
    private readonly LeaderIdentity _identity;
    private readonly DateTimeOffset _now;
    private readonly List<object> _events = new(160);
    private readonly List<Actor> _mentors = [];
    private readonly List<(string Theme, int Level, DateTimeOffset At)> _attained = [];
    private readonly List<LifeEvent> _life = [];
    private Leader _state = Leader.Initial;
    private DateTimeOffset _enrolledAt;
    private DateTimeOffset _at;
    private bool _over;

    private JourneyScript(Random random, Faker faker, AffiliateCast cast, FrameworkScope framework, LeaderIdentity identity, DateTimeOffset now)
    {
        _random = random;
        _faker = faker;
        _cast = cast;
        _framework = framework;
        _identity = identity;
        _now = now;
    }

    /// <summary>The leader's identity: the first draws of their random.</summary>
    public static LeaderIdentity Identify(Random random, Faker faker, AffiliateCast cast)
    {
        var id = random.NewId();
        var selfUserId = random.NewId();
        faker.Random = new Randomizer(random.Next());
        var first = faker.Name.FirstName();
        var last = faker.Name.LastName();
        var email = faker.Internet.Email(first, last, "example.org").ToLowerInvariant();
        return new LeaderIdentity(id, selfUserId, $"{first} {last}", email, $"Local {random.Next(1, cast.Locals + 1)}");
    }

    /// <summary>Writes the history of the leader <paramref name="identity"/> (drawn from the same <paramref name="random"/> just before).</summary>
    public static (IReadOnlyList<object> Events, LeaderSummary Summary) Write(
        Random random, Faker faker, AffiliateCast cast, FrameworkScope framework, LeaderIdentity identity, DateTimeOffset now)
    {
        var script = new JourneyScript(random, faker, cast, framework, identity, now);
        script.Run();
        return (script._events, new LeaderSummary(identity.Id, script._enrolledAt, script._state.Status == LeaderStatus.Active, script._attained));
    }

    private void Run()
    {
        // Enrolled on a day of the last six years, in whole minutes of the working day or evening (UTC).
        var day = _now.UtcDateTime.Date.AddDays(-_random.Next(7, MaxTenureDays));
        _at = new DateTimeOffset(day.AddHours(_random.Next(8, 21)).AddMinutes(_random.Next(60)), TimeSpan.Zero);
        _enrolledAt = _at;
        var persona = Personas[_random.Weighted(PersonaWeights)];

        Decide(new Enroll(_identity.Id, _cast.Code, _identity.Local, _identity.DisplayName, _identity.Email, _framework.EditionId, _cast.Staff, _at));
        if (Advance(7)) AssignMentor(PickMentor());
        ScheduleLifeEvents();

        var themes = Shuffled(_framework.ThemeCodes).Take(_random.Next(persona.MinThemes, persona.MaxThemes + 1)).ToList();
        foreach (var theme in themes)
        {
            for (var level = 1; level <= _framework.MaxLevel && !_over; level++)
            {
                if (level == 2 && !_random.Chance(persona.OnToLevel2)) break;
                if (level == 3 && !_random.Chance(persona.OnToLevel3)) break;
                if (!WorkOn(theme, level, persona)) break;
            }
            if (_over) break;
            Advance(persona.PaceDays * 2);
            if (_over) break;
        }
        // Whatever life brought after the last step still happens, up to the reference date.
        if (!_over) LiveUntil(_now);
    }

    /// <summary>One level of one theme: learning, evidence, a request, the mentor's answer. False when the level was not attained.</summary>
    private bool WorkOn(string theme, int level, Persona persona)
    {
        var trainings = 1 + (_random.Chance(0.5) ? 1 : 0) + (_random.Chance(0.15) ? 1 : 0);
        for (var t = 0; t < trainings; t++)
        {
            if (!Advance(persona.PaceDays)) return false;
            RecordTraining(theme, level);
        }
        if (_random.Chance(0.8))
        {
            if (!Advance(persona.PaceDays / 2)) return false;
            Decide(new RecordAssessment(_random.NewId(), theme, level, AssessmentKind.Self, Maybe(0.5, SelfNotes), _identity.Self, _at));
        }
        var evidence = _random.Weighted([5, 30, 40, 25]);
        for (var e = 0; e < evidence; e++)
        {
            if (!Advance(persona.PaceDays / 2)) return false;
            AddEvidence(theme, level);
        }
        if (_random.Chance(0.6))
        {
            if (!Advance(persona.PaceDays / 2)) return false;
            var mentor = _random.Pick(_mentors);
            Decide(new RecordAssessment(_random.NewId(), theme, level, AssessmentKind.Mentor, Maybe(0.6, MentorNotes), mentor, _at));
            if (_state.HasAttained(theme, level)) return true;
        }

        // Declines grow likelier with the level; after a second one the leader puts the theme aside.
        var decline = level switch { 1 => 0.10, 2 => 0.16, _ => 0.22 };
        for (var attempt = 1; ; attempt++)
        {
            if (!Advance(persona.PaceDays / 2)) return false;
            Decide(new RequestSignOff(theme, level, _random.Chance(0.85) ? _identity.Self : _random.Pick(_mentors), _at));
            // The mentor answers within a few weeks; past the reference date the request is still in their queue.
            if (!Advance(10)) return false;
            var mentor = _random.Pick(_mentors);
            if (!_random.Chance(attempt == 1 ? decline : decline / 2))
            {
                Decide(new SignOff(theme, level, Maybe(0.4, SignOffNotes), mentor, _at));
                return _state.HasAttained(theme, level);
            }
            Decide(new DeclineSignOff(theme, level, _random.Pick(DeclineReasons), mentor, _at));
            if (attempt == 2) return false;
            if (!Advance(persona.PaceDays)) return false;
            AddEvidence(theme, level);
            if (_random.Chance(0.3))
            {
                if (!Advance(persona.PaceDays)) return false;
                RecordTraining(theme, level);
            }
        }
    }

    private void RecordTraining(string theme, int level)
    {
        var title = string.Format(_random.Pick(TrainingTitles), theme, level);
        var completedOn = DateOnly.FromDateTime(_at.UtcDateTime).AddDays(-_random.Next(0, 4));
        Decide(new RecordTraining(_random.NewId(), title, theme, level, _random.Pick(Hours), completedOn, _cast.Staff, _at));
    }

    private void AddEvidence(string theme, int level)
    {
        var id = _random.NewId();
        var link = _random.Chance(0.55) ? $"https://example.org/portfolio/{_identity.Id:N}/{id:N}" : null;
        var note = link is null || _random.Chance(0.3) ? _random.Pick(EvidenceNotes) : null;
        Decide(new AddEvidence(id, theme, level, link, note, _random.Chance(0.8) ? _identity.Self : _cast.Staff, _at));
    }

    // ------------------------------------------------------------------ life around the journey

    private enum LifeKind { MentorChange, SecondMentor, ProfileChange, PositionHeld, Pause, Withdrawal }

    private sealed record LifeEvent(DateTimeOffset At, LifeKind Kind);

    /// <summary>What happens to some leaders at some point: a new mentor, a changed name or local, a role held, a pause, a withdrawal.</summary>
    private void ScheduleLifeEvents()
    {
        var span = (_now - _at).TotalMinutes;
        DateTimeOffset Sometime() => _at.AddMinutes(Math.Floor(span * _random.NextDouble()));
        if (_random.Chance(0.20)) _life.Add(new(Sometime(), LifeKind.MentorChange));
        if (_random.Chance(0.15)) _life.Add(new(Sometime(), LifeKind.SecondMentor));
        if (_random.Chance(0.05)) _life.Add(new(Sometime(), LifeKind.ProfileChange));
        if (_random.Chance(0.35))
            for (var i = _random.Next(1, 4); i > 0; i--) _life.Add(new(Sometime(), LifeKind.PositionHeld));
        if (_random.Chance(0.10)) _life.Add(new(Sometime(), LifeKind.Pause));
        if (_random.Chance(0.05)) _life.Add(new(Sometime(), LifeKind.Withdrawal));
        _life.Sort((a, b) => a.At.CompareTo(b.At));
    }

    /// <summary>Moves time on by about <paramref name="meanDays"/>; false (and the journey is over) when that passes the reference date.</summary>
    private bool Advance(double meanDays)
    {
        if (_over) return false;
        var next = _at + _random.Days(meanDays);
        LiveUntil(next < _now ? next : _now);
        if (_over || next > _now)
        {
            _over = true;
            return false;
        }
        if (next > _at) _at = next;
        return true;
    }

    /// <summary>Lets the scheduled life events up to <paramref name="until"/> happen, in order.</summary>
    private void LiveUntil(DateTimeOffset until)
    {
        while (_life.Count > 0 && _life[0].At <= until && !_over)
        {
            var life = _life[0];
            _life.RemoveAt(0);
            if (life.At > _at) _at = life.At;
            switch (life.Kind)
            {
                case LifeKind.MentorChange when _mentors.Count > 0:
                    var leaving = _mentors[0];
                    Decide(new UnassignMentor(leaving.UserId, _cast.Staff, _at));
                    _mentors.RemoveAt(0);
                    AssignMentor(PickMentor(except: leaving));
                    break;
                case LifeKind.SecondMentor:
                    AssignMentor(PickMentor());
                    break;
                case LifeKind.ProfileChange:
                    var name = _random.Chance(0.5) ? $"{_identity.DisplayName.Split(' ')[0]} {_faker.Name.LastName()}" : _state.DisplayName;
                    var local = name == _state.DisplayName ? $"Local {_random.Next(1, _cast.Locals + 1)}" : _state.Local;
                    Decide(new ChangeProfile(name, _state.Email, local, _cast.Staff, _at));
                    break;
                case LifeKind.PositionHeld:
                    RecordPositionHeld();
                    break;
                case LifeKind.Pause:
                    // Leave, a heavy year: the journey waits, then picks up where it was.
                    Decide(new Pause(_random.Pick(PauseReasons), _cast.Staff, _at));
                    var back = _at + _random.Days(150);
                    if (back > _now)
                    {
                        _over = true;
                        break;
                    }
                    _at = back;
                    Decide(new Reactivate(_cast.Staff, _at));
                    break;
                case LifeKind.Withdrawal:
                    // Half come back (a move back, a new school year); the others' journeys end here.
                    Decide(new Withdraw(_random.Pick(WithdrawReasons), _cast.Staff, _at));
                    var comeback = _at + _random.Days(330);
                    if (!_random.Chance(0.5) || comeback > _now)
                    {
                        _over = true;
                        break;
                    }
                    _at = comeback;
                    Decide(new Reactivate(_cast.Staff, _at));
                    break;
            }
        }
    }

    private void RecordPositionHeld()
    {
        var today = DateOnly.FromDateTime(_at.UtcDateTime);
        var from = today.AddDays(-_random.Next(30, 1500));
        DateOnly? to = _random.Chance(0.5) ? null : from.AddDays(_random.Next(180, 1100));
        if (to > today) to = today;
        Decide(new RecordPositionHeld(_random.Pick(PositionTitles), from, to, _cast.Staff, _at));
    }

    private void AssignMentor(Actor mentor)
    {
        if (_mentors.Any(m => m.UserId == mentor.UserId)) return;
        Decide(new AssignMentor(mentor.UserId, _cast.Staff, _at));
        _mentors.Add(mentor);
    }

    /// <summary>Some mentors take many mentees, most a few: the pick leans towards the first ones. A mentor who just left is not picked again.</summary>
    private Actor PickMentor(Actor? except = null)
    {
        while (true)
        {
            var mentor = _cast.Mentors[(int)(_cast.Mentors.Count * Math.Pow(_random.NextDouble(), 1.6))];
            if (mentor != except || _cast.Mentors.Count == 1) return mentor;
        }
    }

    private List<string> Shuffled(IReadOnlyList<string> items)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    private string? Maybe(double probability, IReadOnlyList<string> texts) => _random.Chance(probability) ? _random.Pick(texts) : null;

    /// <summary>
    /// Decides the command against the state so far and folds the events in. A refusal means the script
    /// asked for something the app would not allow: a bug here, so it stops the generation loudly.
    /// </summary>
    private void Decide(object command)
    {
        IReadOnlyList<object> decided;
        try
        {
            decided = LeaderDecider.Decide(command, _state, AttainmentPolicy.Default);
        }
        catch (DomainRuleException e)
        {
            throw new InvalidOperationException($"The generator asked for a step the rules refuse ({command.GetType().Name} for leader {_identity.Id}): {e.Message}", e);
        }
        foreach (var e in decided)
        {
            _events.Add(e);
            _state = Leader.Evolve(_state, e);
            if (e is LevelAttained attained) _attained.Add((attained.ThemeCode, attained.Level, attained.AttainedAt));
        }
    }

    // ------------------------------------------------------------------ wording

    private static readonly string[] TrainingTitles =
    [
        "{0} Level {1} workshop", "Summer Leadership Institute: {0} (Level {1})", "Online module {0}, Level {1}",
        "Regional training on {0}, Level {1}", "Emerging Leaders Academy: {0} (Level {1})",
    ];
    private static readonly decimal?[] Hours = [1.5m, 2m, 3m, 4m, 6m, 8m, 12m, 16m, null];
    private static readonly string[] SelfNotes =
    [
        "Confident on the basics; I want more practice in front of a group.", "I led this once and would like feedback.",
        "Still unsure about the planning part.", "This is where I have grown most this year.",
    ];
    private static readonly string[] MentorNotes =
    [
        "Observed at the general meeting: clear and well prepared.", "Solid work with the building team.",
        "Good instincts; needs to delegate more.", "Ran the session on her own and handled the hard questions well.",
    ];
    private static readonly string[] EvidenceNotes =
    [
        "Led the building meeting on the new contract.", "Organized a phone bank for the levy campaign.",
        "Wrote an article for the local's newsletter.", "Presented the budget at the general meeting.",
        "Mentored a new building representative.", "Coordinated the member survey and shared the results.",
        "Spoke at the school board meeting.", "Planned the new-hire orientation with the local president.",
    ];
    private static readonly string[] SignOffNotes =
    [
        "Well done.", "Clear evidence of leading, not only attending.", "Ready for the next level.", "Great growth this year.",
    ];
    private static readonly string[] DeclineReasons =
    [
        "More practice first, please.", "Please add evidence of leading this yourself, not only taking part.",
        "Let's talk through the second half of the workshop first.", "The evidence shows earlier-level work; aim a bit higher.",
    ];
    private static readonly string[] PauseReasons = ["Parental leave", "Medical leave", "Taking a year off from association work", "Sabbatical"];
    private static readonly string[] WithdrawReasons = ["Moved out of state", "Left the profession", "Retired", "Changed districts"];
    private static readonly string[] PositionTitles =
    [
        "Building Representative", "Local Secretary", "Local Vice President", "Local President", "Bargaining Team Member",
        "Delegate to the Representative Assembly", "Membership Committee Chair", "Political Action Committee Member",
    ];
}
