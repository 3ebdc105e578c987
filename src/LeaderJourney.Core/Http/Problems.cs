using LeaderJourney.Core.Access;
using LeaderJourney.Domain;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.EventStore;
using Microsoft.AspNetCore.Http;

namespace LeaderJourney.Core.Http;

/// <summary>RFC 9457 problem details for the errors use cases raise on purpose; never a 500 for bad input.</summary>
public static class Problems
{
    public static IResult Validation(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: message, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Runs a write and answers its known failures as problems.</summary>
    public static Task<IResult> Handle(Func<Task<Answer>> action) => Handle(async () => (IResult)await action());

    /// <summary>Runs a use case and answers its known failures as problems.</summary>
    public static async Task<IResult> Handle(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (RequestValidationException e)
        {
            return Validation(e.Field, e.Message);
        }
        catch (FrameworkDocumentException e)
        {
            return Results.Problem(title: "The framework document could not be read.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["line"] = e.Line });
        }
        catch (ForbiddenException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (DuplicateException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (LockedOutException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status429TooManyRequests);
        }
        catch (DomainRuleException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
        catch (EventDataRejectedException e)
        {
            return Results.Problem(title: "The text sent cannot be stored: remove control characters such as NUL.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (StreamAlreadyExistsException e)
        {
            return Results.Problem(title: "Someone else changed this record at the same moment; try again.", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (Succession.Reports.ReadModelNotReadyException e)
        {
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (EventStoreUnavailableException e)
        {
            // The database is unreachable, or a master key this data needs is not configured.
            return Results.Problem(title: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (ConcurrencyException e)
        {
            return Results.Problem(title: "The record changed since it was read; read it again and retry.", detail: e.Message,
                statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["currentVersion"] = e.ActualVersion });
        }
    }
}
