using LeaderJourney.Core.Leaders.Enrol;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Core.Leaders.Mentors;
using LeaderJourney.Core.Leaders.SignOffs;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Core.Leaders;

public static class LeaderEndpoints
{
    /// <summary>The leader endpoints of API.md; every one needs a signed-in caller and sees only the caller's affiliate.</summary>
    public static IEndpointRouteBuilder MapLeaderApi(this IEndpointRouteBuilder app)
    {
        var leaders = app.MapGroup("/api/leaders").WithTags("Leaders").RequireAuthorization();
        EnrolLeaderEndpoint.Map(leaders);
        AssignMentorEndpoint.Map(leaders);
        UnassignMentorEndpoint.Map(leaders);
        ReplaceMentorEndpoint.Map(leaders);
        Status.ChangeLeaderStatusEndpoint.Map(leaders);
        Profile.ChangeLeaderProfileEndpoint.Map(leaders);
        LearningEndpoints.Map(leaders);
        WithdrawLearningEndpoints.Map(leaders);
        SignOffEndpoints.Map(leaders);
        LeaderViewEndpoints.Map(leaders, app.ServiceProvider.GetRequiredService<EventTypeRegistry>());
        Demographics.DemographicsEndpoints.Map(leaders);
        Privacy.Erasure.LeaderErasure.Map(leaders);
        Privacy.SubjectAccess.SubjectAccessExport.Map(leaders);
        return app;
    }
}
