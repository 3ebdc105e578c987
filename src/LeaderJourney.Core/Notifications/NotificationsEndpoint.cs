using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Notifications;

/// <summary>GET /api/notifications: a leader's own (levels attained, requests declined), staff's for their affiliate (terms ending), newest first.</summary>
public static class NotificationsEndpoint
{
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notifications", async (int? limit, HttpContext http, NotificationBox box, CancellationToken ct) =>
        {
            if (limit is < 1 or > MaxLimit) throw new RequestValidationException("limit", $"limit is from 1 to {MaxLimit}.");
            var list = await box.ForAsync(http.CurrentUser(), limit ?? 50, ct);
            return Results.Ok(list.Select(n => new NotificationBody(n.Id, n.Kind, n.LeaderId, n.PositionId, n.ThemeCode, n.Level, n.OnDate, n.CreatedAt)));
        }).RequireAuthorization().WithTags("Notifications").Produces<IReadOnlyList<NotificationBody>>();
        return app;
    }
}

/// <summary>One notification as the API gives it: what happened (<see cref="Kind"/>), to whom or what, for which date, and when it was noted.</summary>
public sealed record NotificationBody(long Id, string Kind, Guid? LeaderId, Guid? PositionId, string? ThemeCode, int? Level, DateOnly? On, DateTimeOffset At);
