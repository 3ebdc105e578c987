using JasperFx.Events;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Wolverine;
using LeaderJourney.Core.Notifications.Mail;
using LeaderJourney.Storage;

namespace LeaderJourney.Core.Notifications;

/// <summary>
/// Wolverine handlers for the events other parts react to, fed by Marten's event subscription
/// <see cref="SubscriptionName"/> (<see cref="Hosting.Messaging"/>): strictly in order, on one node at
/// a time, from where the subscription stands. Each reaction may run twice (a node dies after reacting
/// and before Marten records how far the subscription got): it then writes nothing twice.
/// </summary>
public static class Reactions
{
    public const string SubscriptionName = "reactions";

    /// <summary>The events the subscription carries to the handlers below.</summary>
    public static readonly Type[] Events = [typeof(LevelAttained), typeof(LevelAttainmentRevoked), typeof(SignOffDeclined), typeof(SignOffDeclineWithdrawn), typeof(SignOffRequested), typeof(LeaderErased), typeof(IncumbentSeated), typeof(TermEndSet), typeof(Appointed),
        typeof(LeaderProfileChanged), typeof(MentorAssigned), typeof(MentorUnassigned)];

    /// <summary>
    /// A database that already has events when it first meets the reactions starts the subscription at
    /// its last event, at start-up, before any host takes a request: what happened before the reactions
    /// existed is not announced, and nothing appended after start-up is missed (Marten's own "from
    /// present" is decided when the daemon first runs the subscription, which may be after the first
    /// appends). An empty one is left to Marten, which then starts at the first event: it writes the
    /// subscription's progression row itself when it last read nothing, and fails on one it did not write.
    /// </summary>
    public static async Task StartFromPresentAsync(Store store, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"""
            insert into {store.Schema}.mt_event_progression (name, last_seq_id, last_updated)
            select $1, max(seq_id), now() from {store.Schema}.mt_events having max(seq_id) > 0
            on conflict (name) do nothing
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = SubscriptionName + ":All" });
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A leader hears of a level they attained: in the inbox at once, by mail after <see cref="NotificationBox.AttainedHold"/>.</summary>
public static class LevelAttainedHandler
{
    public static Task Handle(IEvent<LevelAttained> e, NotificationBox box, MailSettings mail, IMessageContext messages, CancellationToken ct) =>
        Notices.AddAsync(box, mail, messages, $"{NotificationBox.LevelAttained}:{e.Id}", e.TenantId, NotificationBox.LevelAttained, e.Data.LeaderId,
            e.Data.ThemeCode, e.Data.Level, e.Data.AttainedAt, ct, mailAfter: box.AttainedHold);
}

/// <summary>
/// A leader hears a level was taken back (a sign-off, training or assessment it stood on was withdrawn); the reason stays in their
/// history, sealed. Not when they had not heard of it yet (<see cref="NotificationBox.AddRevokedAsync"/>), nor when they
/// took it back themself (a training of theirs removed: their page said so then).
/// </summary>
public static class LevelAttainmentRevokedHandler
{
    public static async Task Handle(IEvent<LevelAttainmentRevoked> e, NotificationBox box, MailSettings mail, IMessageContext messages, Access.AccessDirectory directory, CancellationToken ct)
    {
        var key = $"{NotificationBox.LevelRevoked}:{e.Id}";
        var byTheLeader = await directory.FindByIdAsync(e.Data.RevokedBy, ct) is { LeaderId: { } leaderId } && leaderId == e.Data.LeaderId;
        await box.AddRevokedAsync(key, e.TenantId, e.Data.LeaderId, e.Data.ThemeCode, e.Data.Level, e.Data.RevokedAt, ct, byTheLeader);
        await Notices.MailAsync(box, mail, messages, key, ct);
    }
}

/// <summary>
/// A leader hears their request was declined (the reason stays in their history, sealed; not copied here): in the
/// inbox at once, by mail after <see cref="NotificationBox.AttainedHold"/>, so that a mentor who undoes a wrong tap
/// (<see cref="SignOffDeclineWithdrawnHandler"/>) sends no mail.
/// </summary>
public static class SignOffDeclinedHandler
{
    public static Task Handle(IEvent<SignOffDeclined> e, NotificationBox box, MailSettings mail, IMessageContext messages, CancellationToken ct) =>
        Notices.AddAsync(box, mail, messages, $"{NotificationBox.RequestDeclined}:{e.Id}", e.TenantId, NotificationBox.RequestDeclined, e.Data.LeaderId,
            e.Data.ThemeCode, e.Data.Level, e.Data.DeclinedAt, ct, mailAfter: box.AttainedHold);
}

/// <summary>
/// A decline withdrawn: the leader's notice of that decline, unread and not mailed yet, is withdrawn, so a wrong tap undone
/// at once is told neither way. A leader who heard of the decline hears that the request waits again: in the inbox, and
/// by mail when the decline was mailed to them, which the mail looks at when it is made (<see cref="Mail.MailNotificationHandler"/>),
/// after a decline's mail that was under way.
/// </summary>
public static class SignOffDeclineWithdrawnHandler
{
    public static async Task Handle(IEvent<SignOffDeclineWithdrawn> e, NotificationBox box, MailSettings mail, IMessageContext messages, CancellationToken ct)
    {
        if (await box.WithdrawUnheardDeclineAsync(e.Data.LeaderId, e.Data.DeclineVersion, ct) is not { } declineKey) return;
        var key = NotificationBox.DeclineWithdrawnKey(declineKey);
        await box.AddAsync(key, e.TenantId, NotificationBox.DeclineWithdrawn, leaderId: e.Data.LeaderId, themeCode: e.Data.ThemeCode, level: e.Data.Level,
            onDate: DateOnly.FromDateTime(e.Data.WithdrawnAt.UtcDateTime), ct: ct);
        await Notices.MailAsync(box, mail, messages, key, ct);
    }
}

/// <summary>
/// A mentor hears that a leader is now their mentee: in the inbox at once (the mentees page shows the leader too), by
/// mail after <see cref="NotificationBox.MenteeHold"/>, so that staff who undo a wrong pick send no mail. Not a mentor
/// who took the leader on themself.
/// </summary>
public static class MentorAssignedHandler
{
    public static async Task Handle(IEvent<MentorAssigned> e, NotificationBox box, MailSettings mail, IMessageContext messages, CancellationToken ct)
    {
        if (e.Data.AssignedBy == e.Data.MentorUserId) return;
        var key = $"{NotificationBox.MenteeAssigned}:{e.Id}";
        await box.AddAsync(key, e.TenantId, NotificationBox.MenteeAssigned, leaderId: e.Data.LeaderId, onDate: DateOnly.FromDateTime(e.Data.AssignedAt.UtcDateTime),
            userId: e.Data.MentorUserId, ct: ct);
        await Notices.MailAsync(box, mail, messages, key, ct, box.MenteeHold);
    }
}

/// <summary>A mentor taken off a leader before they heard they had them (a wrong pick undone, a handover) is told neither way.</summary>
public static class MentorUnassignedHandler
{
    public static Task Handle(IEvent<MentorUnassigned> e, NotificationBox box, CancellationToken ct) =>
        box.WithdrawUnheardAsync(e.Data.MentorUserId, e.Data.LeaderId, NotificationBox.MenteeAssigned, ct);
}

/// <summary>
/// A notice goes to the inbox and, with a mail server configured, by mail to those it is for
/// (<see cref="MailNotification"/>, sent by id). A reaction run again finds its notice written; it asks
/// for the mail again while the mail is not sent, and the mail's claim lets one run send it.
/// </summary>
internal static class Notices
{
    public static async Task AddAsync(NotificationBox box, MailSettings mail, IMessageContext messages, string key, string affiliate, string kind,
        Guid leaderId, string themeCode, int level, DateTimeOffset at, CancellationToken ct, TimeSpan? mailAfter = null)
    {
        await box.AddAsync(key, affiliate, kind, leaderId: leaderId, themeCode: themeCode, level: level, onDate: DateOnly.FromDateTime(at.UtcDateTime), ct: ct);
        await MailAsync(box, mail, messages, key, ct, mailAfter);
    }

    /// <summary>Asks for the notice's mail, now or scheduled in Wolverine's durable store <paramref name="after"/> from now.</summary>
    public static async Task MailAsync(NotificationBox box, MailSettings mail, IMessageContext messages, string key, CancellationToken ct, TimeSpan? after = null)
    {
        if (!mail.Enabled || await box.UnmailedAsync(key, ct) is not { } id) return;
        if (after > TimeSpan.Zero) await messages.ScheduleAsync(new MailNotification(id), after.Value);
        else await messages.PublishAsync(new MailNotification(id));
    }
}

/// <summary>
/// A leader's mentors hear by mail that the leader asks for a sign-off (their queue shows it without any
/// mail), and are reminded once if it still waits a week later (<see cref="SignOffRequestReminder"/>);
/// not of a request put back by a mentor's undo (asked in that mentor's name, and heard of already
/// when the undone sign-off answered a request).
/// </summary>
public static class SignOffRequestedHandler
{
    public static async Task Handle(IEvent<SignOffRequested> e, MailSettings mail, MailClaims claims, SignOffRequestReminders reminders,
        LeaderJourney.Core.Leaders.LeaderReader leaders, IMessageContext messages, CancellationToken ct)
    {
        if (!mail.Enabled || e.Data.WaitingSince is not null || await claims.AnySentAsync(MailClaims.Request(e.Id), ct)) return;
        if (await leaders.FindAsync(e.Data.LeaderId, ct) is { } found && found.State.Mentors.Contains(e.Data.RequestedBy)) return;
        await messages.PublishAsync(new MailSignOffRequest(e.Id, e.Data.LeaderId, e.Data.ThemeCode, e.Data.Level));
        // Run twice, this schedules a second reminder: the reminder's mail claim sends it once.
        await messages.ScheduleAsync(new SignOffRequestReminder(e.Id, e.Data.LeaderId, e.Data.ThemeCode, e.Data.Level, e.Data.RequestedAt), reminders.When(e.Data.RequestedAt));
    }
}

/// <summary>The address a leader's record had hears that staff changed it (<see cref="MailAddressChanged"/>, which finds whether the address changed at all).</summary>
public static class LeaderProfileChangedHandler
{
    public static async Task Handle(IEvent<LeaderProfileChanged> e, MailSettings mail, MailClaims claims, IMessageContext messages, CancellationToken ct)
    {
        if (!mail.Enabled || await claims.AnySentAsync(MailClaims.AddressChanged(e.Id), ct)) return;
        await messages.PublishAsync(new MailAddressChanged(e.Id, e.StreamId, e.Version));
    }
}

/// <summary>An erased leader's notifications go with the rest of what named them.</summary>
public static class LeaderErasedHandler
{
    public static Task Handle(IEvent<LeaderErased> e, NotificationBox box, CancellationToken ct) => box.ForgetLeaderAsync(e.Data.LeaderId, ct);
}

/// <summary>
/// Staff hear of a position's term ending <see cref="TermEndReminders.Lead"/> before it ends: when a
/// term end is set (with a seated incumbent, on its own, or kept by an appointment), a reminder is
/// scheduled in Wolverine's durable store for that moment. It carries ids and a date only.
/// </summary>
public sealed record TermEndReminder(Guid PositionId, string Affiliate, DateOnly TermEndsOn);

public sealed class TermEndReminders(IConfiguration configuration, TimeProvider clock)
{
    /// <summary>How long before a term's end staff are reminded: <c>LeaderJourney:Reminders:TermEndLead</c>, 90 days unless set.</summary>
    public TimeSpan Lead { get; } = configuration.GetValue("LeaderJourney:Reminders:TermEndLead", TimeSpan.FromDays(90));

    public DateTimeOffset When(DateOnly termEndsOn)
    {
        var at = new DateTimeOffset(termEndsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - Lead;
        return at > clock.GetUtcNow() ? at : clock.GetUtcNow();
    }
}

public static class IncumbentSeatedHandler
{
    public static async Task Handle(IEvent<IncumbentSeated> e, TermEndReminders reminders, IMessageContext messages)
    {
        if (e.Data.TermEndsOn is { } end) await messages.ScheduleAsync(new TermEndReminder(e.Data.PositionId, e.TenantId, end), reminders.When(end));
    }
}

public static class TermEndSetHandler
{
    public static async Task Handle(IEvent<TermEndSet> e, TermEndReminders reminders, IMessageContext messages)
    {
        if (e.Data.TermEndsOn is { } end) await messages.ScheduleAsync(new TermEndReminder(e.Data.PositionId, e.TenantId, end), reminders.When(end));
    }
}

/// <summary>An appointment keeps the seat's term end (or sets a new one, which <see cref="TermEndSetHandler"/> schedules): the new holder's term is reminded of too.</summary>
public static class AppointedHandler
{
    public static async Task Handle(IEvent<Appointed> e, Store store, TermEndReminders reminders, IMessageContext messages, CancellationToken ct)
    {
        var asAppointed = (await store.ReadStreamAsync(e.StreamId, new LeaderJourney.Storage.StreamReadOptions { ToVersion = e.Version }, ct))
            .Aggregate(Position.Initial, (p, stored) => Position.Evolve(p, stored.Data));
        if (asAppointed.Incumbent.TermEndsOn is { } end) await messages.ScheduleAsync(new TermEndReminder(e.Data.PositionId, e.TenantId, end), reminders.When(end));
    }
}

public static class TermEndReminderHandler
{
    /// <summary>Tells staff only if the term still ends that day with someone seated: a term end changed since was scheduled anew.</summary>
    public static async Task Handle(TermEndReminder reminder, Store store, NotificationBox box, MailSettings mail, IMessageContext messages, ILogger<TermEndReminder> logger, CancellationToken ct)
    {
        var position = (await store.ReadStreamAsync(reminder.PositionId, ct: ct)).Aggregate(Position.Initial, (p, e) => Position.Evolve(p, e.Data));
        if (position.Incumbent.LeaderId is null || position.Incumbent.TermEndsOn != reminder.TermEndsOn)
        {
            logger.LogInformation("Term-end reminder for position {PositionId} on {TermEndsOn} is obsolete: the term end or the seat changed since", reminder.PositionId, reminder.TermEndsOn);
            return;
        }
        var key = $"{NotificationBox.TermEnding}:{reminder.PositionId}:{reminder.TermEndsOn:yyyy-MM-dd}";
        await box.AddAsync(key, reminder.Affiliate, NotificationBox.TermEnding, positionId: reminder.PositionId, onDate: reminder.TermEndsOn, ct: ct);
        await Notices.MailAsync(box, mail, messages, key, ct);
    }
}
