using System.Security.Cryptography;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Wolverine;

namespace LeaderJourney.Web.Pages;

/// <summary>A password link made on a page, shown once to hand on: whom it is for, its whole address, until when it works.</summary>
public sealed record ShownPasswordLink(string Username, string Link, DateTimeOffset ExpiresAt);

/// <summary>Password links as the users page and a leader's record make them (the API's message), for an existing sign-in or a new one.</summary>
public static class PagePasswordLinks
{
    /// <summary>A password nobody sees, for a sign-in made to be given by its first link: no one at the affiliate knows it.</summary>
    public static string NobodysPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new link for the user, its address whole (this site's); or, refused, the refusal in a sentence.</summary>
    public static async Task<(ShownPasswordLink? Link, string? Error)> MakeAsync(IMessageBus bus, CurrentUser caller, Guid userId, string username,
        HttpRequest request, CancellationToken ct)
    {
        Answer? answer = null;
        var error = await PageCommands.TryAsync(async () => answer = await bus.InvokeAsync<Answer>(
            new MakePasswordLinkCommand(userId) { Sender = new(caller, PageCommands.Options(request, "password link")) }, ct));
        return answer?.Body is PasswordLinkBody made
            ? (new ShownPasswordLink(username, $"{request.Scheme}://{request.Host}{request.PathBase}{made.Link}", made.ExpiresAt), null)
            : (null, error);
    }
}
