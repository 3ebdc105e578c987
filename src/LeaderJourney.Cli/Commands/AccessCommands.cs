using System.CommandLine;
using LeaderJourney.Core.Access;
using Answer = LeaderJourney.Core.Http.Answer;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney users create` (how the first national admin is made) and `leaderjourney affiliates create`: the API's commands, sent as the operator.</summary>
public static class AccessCommands
{
    public static Command Users(CliContext context)
    {
        var username = new Option<string>("--username") { Description = "The user name to sign in with.", Required = true };
        var password = new Option<string>("--password") { Description = $"At least {AccessDirectory.MinPasswordLength} characters.", Required = true };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}.", Required = true };
        var affiliate = new Option<string?>("--affiliate") { Description = "The affiliate's code (every role but national-admin)." };
        var leaderId = new Option<Guid?>("--leader-id") { Description = "For role leader: the leader this user is." };
        var email = new Option<string?>("--email") { Description = "The address the affiliate's identity provider vouches for, to sign in with single sign-on (kept only as a keyed hash)." };
        var create = new Command("create", "Create a user.") { username, password, role, affiliate, leaderId, email };
        create.SetAction(async (parse, ct) =>
        {
            var answer = await context.SendAsync<Answer>(new CreateUserCommand(parse.GetValue(username), parse.GetValue(password), parse.GetValue(role),
                parse.GetValue(affiliate), parse.GetValue(leaderId), parse.GetValue(email)) { Sender = CliContext.Operator("users create") }, ct);
            await context.Out.WriteLineAsync($"Created user '{parse.GetValue(username)}' ({parse.GetValue(role)}), id {answer.Location!.Split('/')[^1]}.");
            return 0;
        });
        return new Command("users", "Manage users.") { create };
    }

    public static Command Affiliates(CliContext context)
    {
        var code = new Option<string>("--code") { Description = "A short code, e.g. OH.", Required = true };
        var name = new Option<string>("--name") { Description = "The affiliate's name.", Required = true };
        var create = new Command("create", "Create an affiliate.") { code, name };
        create.SetAction(async (parse, ct) =>
        {
            await context.SendAsync<Answer>(new CreateAffiliateCommand(parse.GetValue(code), parse.GetValue(name)) { Sender = CliContext.Operator("affiliates create") }, ct);
            await context.Out.WriteLineAsync($"Created affiliate {parse.GetValue(code)}.");
            return 0;
        });
        return new Command("affiliates", "Manage affiliates.") { create };
    }
}
