using System.Globalization;
using LeaderJourney.Core.Access;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Core.Http;

/// <summary>RFC 9457 problem details for the errors use cases raise on purpose; never a 500 for bad input.</summary>
public static class Problems
{
    public static IResult Validation(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: message, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// The problem a known failure answers with, or null for one nobody raised on purpose (a 500).
    /// Every endpoint's failures come here (<see cref="ProblemExceptionHandler"/>), including those
    /// thrown by the Wolverine handlers the endpoints send commands to.
    /// </summary>
    public static IResult? For(Exception exception, ISentences? sentences = null)
    {
        var say = (sentences ?? English).Say;
        return exception switch
        {
            RequestValidationException e => Validation(e.Field, say(e.Message)),
            // The request could not be bound (a body that is not JSON of the endpoint's shape, a query value of another kind):
            // the framework's detail names the parameter (and a query value it could not read, back to whoever sent it).
            BadHttpRequestException e => Results.Problem(title: say("The request could not be read: its body is not JSON of the expected shape, or a value in its address is not of the expected kind."),
                detail: e.Message, statusCode: e.StatusCode),
            FrameworkDocumentException e => Results.Problem(title: say("The framework document could not be read."), detail: e.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["line"] = e.Line }),
            ForbiddenException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status403Forbidden),
            TokenEndedException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status401Unauthorized),
            NotFoundException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status404NotFound),
            DuplicateException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status409Conflict),
            LockedOutException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status429TooManyRequests),
            DomainRuleException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status422UnprocessableEntity),
            // A second recording of what a stream holds once: refused by the database, said as the rule it is.
            EventRecordedTwiceException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status422UnprocessableEntity),
            EventDataRejectedException e => Results.Problem(title: say(SentenceFor(e)), detail: e.Message, statusCode: StatusCodes.Status400BadRequest),
            StreamAlreadyExistsException e => Results.Problem(title: say(SentenceFor(e)), detail: e.Message, statusCode: StatusCodes.Status409Conflict),
            Succession.Reports.ReadModelNotReadyException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable),
            // The database is unreachable, or a master key this data needs is not configured.
            EventStoreUnavailableException e => Results.Problem(title: say(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable),
            // A mail the person asked for (a confirmation, a password link) could not be sent now.
            Notifications.Mail.MailNotSentException => Results.Problem(title: say(Notifications.Mail.MailNotSentException.ForThePerson), statusCode: StatusCodes.Status503ServiceUnavailable),
            // An If-Match that is not the version the command read (AggregateCommands.CheckIfMatch), or an
            // append Marten refused: the caller reads again, from the version named.
            ConcurrencyException e => Results.Problem(title: say(SentenceFor(e)), detail: e.Message,
                statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["currentVersion"] = e.ActualVersion }),
            _ => null,
        };
    }

    private static readonly EnglishSentences English = new();

    /// <summary>
    /// What a page says for a refusal, in English (the page says it in the reader's language): the
    /// problem's title where its message is a technical detail (a version, a database's words), else
    /// the message, which is written for the person.
    /// </summary>
    public static string SentenceFor(Exception exception) => exception switch
    {
        FrameworkDocumentException e => e.Message, // it names the line to fix
        EventDataRejectedException => "The text sent cannot be stored: remove control characters such as NUL.",
        StreamAlreadyExistsException => "Someone else changed this record at the same moment; try again.",
        ConcurrencyException => "The record changed since it was read; read it again and retry.",
        Notifications.Mail.MailNotSentException => Notifications.Mail.MailNotSentException.ForThePerson,
        RequestValidationException e => InPageWords(e),
        _ => exception.Message,
    };

    /// <summary>
    /// The words a form uses for a field the API names: a page's refusal speaks of what the person typed
    /// into, not of the API's JSON ("Give displayName (1 to 200 characters)." read oddly on the staff page).
    /// </summary>
    private static readonly Dictionary<string, string> FieldWords = new(StringComparer.Ordinal)
    {
        ["displayName"] = "the name", ["display_name"] = "the name", ["name"] = "the name", ["email"] = "the e-mail address",
        ["local"] = "the local", ["title"] = "the title", ["training_title"] = "the training's title", ["note"] = "the note",
        ["link"] = "the link", ["reason"] = "the reason", ["justification"] = "the justification",
    };

    private static string InPageWords(RequestValidationException e)
    {
        if (!FieldWords.TryGetValue(e.Field, out var words)) return e.Message;
        // Only where the checks name the field (LeaderInput): at the start, or after "Give". Elsewhere the message may
        // quote what was typed ("'my.email' is not an e-mail address."), which is left as it is.
        const string Give = "Give ";
        return e.Message.StartsWith(e.Field + " ", StringComparison.Ordinal) ? char.ToUpperInvariant(words[0]) + words[1..] + e.Message[e.Field.Length..]
            : e.Message.StartsWith(Give + e.Field + " ", StringComparison.Ordinal) ? Give + words + e.Message[(Give.Length + e.Field.Length)..]
            : e.Message;
    }
}

/// <summary>ASP.NET Core's exception handler for every endpoint: a known failure becomes its problem details (<see cref="Problems.For"/>).</summary>
public sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // The exception has left the localization middleware, and with it the request's language:
        // the problem is said in the language that middleware chose, which it left on the request.
        if (http.Features.Get<IRequestCultureFeature>()?.RequestCulture is { } language)
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (language.Culture, language.UICulture);
        if (Problems.For(exception, http.RequestServices.GetService<ISentences>()) is not { } problem) return false;
        if (exception is LockedOutException lockedOut) SetRetryAfter(http, lockedOut);
        await problem.ExecuteAsync(http);
        return true;
    }

    /// <summary>A refused sign-in says when to try again (RFC 9110's Retry-After, in whole seconds), for clients that wait on their own.</summary>
    public static void SetRetryAfter(HttpContext http, LockedOutException lockedOut)
    {
        var now = (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var seconds = Math.Max(1, (int)Math.Ceiling((lockedOut.Until - now).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }
}
