namespace LeaderJourney.Domain.Leaders;

/// <summary>Sign-off requests, sign-offs, declines and revocations.</summary>
internal static class SignOffDecisions
{
    public static IReadOnlyList<object> Request(RequestSignOff c, Leader s, AttainmentPolicy policy)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        if (RequestRefusal(s, theme, level, c.Actor, policy) is { } refusal) throw new DomainRuleException(refusal);
        return [new SignOffRequested(s.Id, theme, level, c.Actor.UserId, c.Now)];
    }

    /// <summary>The leader, or an admin for them, takes back a request still waiting; a mentor answers one instead (a decline says why).</summary>
    public static IReadOnlyList<object> WithdrawRequest(WithdrawSignOffRequest c, Leader s)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        if (!s.IsSelf(c.Actor) && !c.Actor.IsAdmin)
            throw new DomainRuleException("Only the leader or an admin can withdraw a sign-off request; a mentor declines it, saying why.");
        if (!s.IsPending(theme, level))
            throw new DomainRuleException($"No sign-off of Level {level} of {theme} is waiting; there is nothing to withdraw.");
        return [new SignOffRequestWithdrawn(s.Id, theme, level, c.Actor.UserId, c.Now)];
    }

    /// <summary>Why the actor may not request a sign-off of the level now, or null when they may.</summary>
    private static string? RequestRefusal(Leader s, string theme, int level, Actor actor, AttainmentPolicy policy)
    {
        // A request is made by the leader themself or staff (an admin, or a mentor assigned to the leader).
        if (!s.IsSelf(actor) && !actor.IsAdmin && !s.Mentors.Contains(actor.UserId))
            return "Only the leader, an admin or an assigned mentor can request a sign-off.";
        if (s.HasAttained(theme, level))
            return $"Level {level} of {theme} is already attained; there is nothing to sign off.";
        if (s.IsPending(theme, level))
            return $"A sign-off of Level {level} of {theme} is already requested; wait for the mentor's answer.";
        // A sign-off given before any learning stands; asking again would put in a mentor's queue a
        // level their sign-off can no longer change.
        var needs = AttainmentRule.Needs(s, theme, level, policy);
        if (!needs.SignedOffAndWaiting) return null;
        return (needs.PreviousLevel, needs.Learning) switch
        {
            (true, true) => $"Level {level} of {theme} is already signed off; it is attained once Level {level - 1} is and learning at this level is recorded.",
            (true, false) => $"Level {level} of {theme} is already signed off; it is attained once Level {level - 1} is.",
            _ => $"Level {level} of {theme} is already signed off; it is attained once learning at this level is recorded (a training, or a mentor or peer assessment).",
        };
    }

    public static IReadOnlyList<object> SignOff(SignOff c, Leader s, AttainmentPolicy policy)
    {
        if (c.Assessment is { } assessment)
        {
            var assessed = LearningDecisions.RecordAssessment(
                new RecordAssessment(assessment.AssessmentId, c.ThemeCode, c.Level, AssessmentKind.Mentor, assessment.Note, c.Actor, c.Now), s, policy);
            return [.. assessed, .. SignOff(c with { Assessment = null }, assessed.Aggregate(s, Leader.Evolve), policy)];
        }
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        EnsureAssignedMentor(s, c.Actor, "sign off");
        // Public contract: a sign-off for a level already attained is accepted and changes nothing.
        if (s.HasAttained(theme, level)) return [];
        // The same mentor signing the same level twice is still one sign-off.
        if (s.SignOffBy(c.Actor.UserId, theme, level) is not null) return [];
        // No prior request is needed: a request only puts the level in the mentor's queue.
        object signed = new LevelSignedOff(s.Id, theme, level, c.Actor.UserId, Guard.Optional(c.Note), c.Now);
        return Attainments.Following(s, [signed], theme, policy, c.Now);
    }

    public static IReadOnlyList<object> Decline(DeclineSignOff c, Leader s)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        EnsureAssignedMentor(s, c.Actor, "decline");
        var reason = Guard.Required(c.Reason, "The reason for declining");
        if (!s.IsPending(theme, level))
            throw new DomainRuleException($"There is no pending sign-off request for Level {level} of {theme} to decline.");
        return [new SignOffDeclined(s.Id, theme, level, c.Actor.UserId, reason, c.Now)];
    }

    /// <summary>
    /// The mentor who declined takes it back while the decline is still the last word on its level: once the level was
    /// asked for again, answered or attained, the decline is history, and the leader may have acted on it.
    /// </summary>
    public static IReadOnlyList<object> WithdrawDecline(WithdrawDecline c, Leader s)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        // The leader is never their own mentor: this refuses them too.
        if (!s.Mentors.Contains(c.Actor.UserId))
            throw new DomainRuleException("Only a mentor assigned to this leader can withdraw their decline.");
        if (s.DeclineOf(theme, level) is not { } decline || decline.MentorUserId != c.Actor.UserId || (c.DeclineVersion is { } named && named != decline.Version))
            throw new DomainRuleException(NoDeclineToWithdraw);
        return [new SignOffDeclineWithdrawn(s.Id, theme, level, c.Actor.UserId, decline.Version, decline.RequestWaitingSince, c.Now)];
    }

    /// <summary>The refusal of a decline's withdrawal (one sentence whatever the level, so that the pages say it in their language).</summary>
    public const string NoDeclineToWithdraw = "This decline can no longer be withdrawn: it was withdrawn already, the level was asked for or answered since, or it is not yours.";

    public static IReadOnlyList<object> Revoke(RevokeSignOff c, Leader s, AttainmentPolicy policy)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        if (c.Actor.UserId != c.MentorUserId && !c.Actor.IsAdmin)
            throw new DomainRuleException("Only the mentor who signed off, or an admin, can revoke a sign-off.");
        // A mentor no longer assigned answers for the leader no more: their sign-off goes through an admin.
        if (!c.Actor.IsAdmin && !s.Mentors.Contains(c.Actor.UserId))
            throw new DomainRuleException("A mentor no longer assigned to this leader cannot revoke their sign-off; an admin can.");
        var reason = Guard.Required(c.Reason, "The reason for revoking");
        var standing = s.SignOffBy(c.MentorUserId, theme, level)
            ?? throw new DomainRuleException($"This mentor has no standing sign-off of Level {level} of {theme}; there is nothing to revoke.");

        object revoked = new SignOffRevoked(s.Id, theme, level, c.MentorUserId, reason, c.Actor.UserId, c.Now);
        var after = Leader.Evolve(s, revoked);
        // Public contract: a revoked sign-off revokes that level and every higher level of the theme,
        // unless the level still meets the rule without it (e.g. another mentor's sign-off stands).
        IReadOnlyList<object> events = !after.HasAttained(theme, level) || AttainmentRule.Evaluate(after, theme, level, policy) is not null
            ? [revoked]
            : [revoked, .. Attainments.RevokedFrom(after, theme, level, reason, c.Actor.UserId, c.Now)];
        if (!c.AskAgain) return events;
        var now = events.Skip(1).Aggregate(after, Leader.Evolve);
        // Asked again as of the request the sign-off answered: an undo does not make the leader's wait start over.
        return RequestRefusal(now, theme, level, c.Actor, policy) is null
            ? [.. events, new SignOffRequested(s.Id, theme, level, c.Actor.UserId, c.Now, standing.AnsweredRequestAt)]
            : events;
    }

    public static IReadOnlyList<object> RevokeAttainment(RevokeAttainment c, Leader s)
    {
        var theme = Guard.Theme(c.ThemeCode);
        var level = Guard.Level(c.Level);
        if (!c.Actor.IsAdmin) throw new DomainRuleException("Only an admin can revoke an attained level.");
        var reason = Guard.Required(c.Reason, "The reason for revoking");
        if (!s.HasAttained(theme, level))
            throw new DomainRuleException($"Level {level} of {theme} is not attained; there is nothing to revoke.");
        return [.. Attainments.RevokedFrom(s, theme, level, reason, c.Actor.UserId, c.Now)];
    }

    /// <summary>Domain rules: the leader never signs off (or declines) for themself, and a mentor answers only for a
    /// leader currently assigned to them.</summary>
    private static void EnsureAssignedMentor(Leader s, Actor actor, string verb)
    {
        if (s.IsSelf(actor))
            throw new DomainRuleException($"A leader cannot {verb} their own level; an assigned mentor must.");
        if (!s.Mentors.Contains(actor.UserId))
            throw new DomainRuleException($"Only a mentor currently assigned to this leader can {verb}; assign the mentor first.");
    }
}
