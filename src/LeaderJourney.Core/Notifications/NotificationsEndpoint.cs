using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Wolverine;

namespace LeaderJourney.Core.Notifications;

/// <summary>
/// GET /api/notifications: a leader's own (levels attained or withdrawn, requests declined), a mentor's own
/// (new mentees), staff's for their affiliate (terms ending), newest first, each saying whether the caller has marked it read.
/// POST /api/notifications/read marks them read, up to an id or all.
/// </summary>
public static class NotificationsEndpoint
{
    public const int MaxLimit = 200;

    public sealed record ReadRequest(long? ThroughId);

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notifications", async (int? limit, long? before, HttpContext http, NotificationBox box, CancellationToken ct) =>
        {
            if (limit is < 1 or > MaxLimit) throw new RequestValidationException("limit", $"limit is from 1 to {MaxLimit}.");
            var list = await box.ForAsync(http.CurrentUser(), limit ?? 50, ct, before);
            return Results.Ok(list.Select(NotificationBody.Of));
        }).RequireAuthorization().WithTags("Notifications").Produces<IReadOnlyList<NotificationBody>>();

        app.MapPost("/api/notifications/read", async (ReadRequest? body, HttpContext http, IMessageBus bus, CancellationToken ct) =>
            await bus.InvokeAsync<Answer>(new MarkNotificationsReadCommand(body?.ThroughId) { Sender = http.SenderOf(body ?? new ReadRequest(null)) }, ct))
            .RequireAuthorization().WithTags("Notifications").Produces(StatusCodes.Status204NoContent);
        return app;
    }
}

/// <summary>One notification as the API gives it: what happened (<see cref="Kind"/>), to whom or what, for which date, when it was noted, and whether the caller has read it.</summary>
public sealed record NotificationBody(long Id, string Kind, Guid? LeaderId, Guid? PositionId, string? ThemeCode, int? Level, DateOnly? On, DateTimeOffset At, bool Read)
{
    public static NotificationBody Of(Notification n) => new(n.Id, n.Kind, n.LeaderId, n.PositionId, n.ThemeCode, n.Level, n.OnDate, n.CreatedAt, n.Read);
}

/// <summary>A leader, mentor or staff member marks their notifications read: up to <see cref="ThroughId"/>, or all when it is null.</summary>
public sealed record MarkNotificationsReadCommand(long? ThroughId) : Command;

public static class MarkNotificationsReadHandler
{
    public static async Task<Answer> Handle(MarkNotificationsReadCommand command, NotificationBox box, CancellationToken ct)
    {
        await box.MarkReadAsync(command.Sender.Caller, command.ThroughId, ct);
        return new Answer(StatusCodes.Status204NoContent, new { });
    }
}
