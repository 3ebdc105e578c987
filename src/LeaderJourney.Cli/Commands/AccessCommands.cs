using System.CommandLine;
using LeaderJourney.Core.Access;
using Microsoft.Extensions.DependencyInjection;
using Answer = LeaderJourney.Core.Http.Answer;

namespace LeaderJourney.Cli.Commands;

/// <summary>`leaderjourney users create` (how the first national admin is made), `users password-link` and `leaderjourney affiliates create`: the API's commands, sent as the operator.</summary>
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

        var forUser = new Option<string>("--username") { Description = "Whose password the link sets.", Required = true };
        var baseUrl = new Option<string>("--base-url") { Description = "The address people open LeaderJourney at.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var passwordLink = new Command("password-link", "Make a one-time link with which a user (a national admin too) chooses a new password.") { forUser, baseUrl };
        passwordLink.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(forUser)!;
            var users = await (await context.ServicesAsync(ct)).GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, null, ct);
            if (users.FirstOrDefault(u => string.Equals(u.Username, name, StringComparison.OrdinalIgnoreCase)) is not { } user)
                throw new LeaderJourney.Core.Http.NotFoundException($"There is no user '{name}'.");
            var answer = await context.SendAsync<Answer>(new MakePasswordLinkCommand(user.Id) { Sender = CliContext.Operator("users password-link") }, ct);
            var made = (PasswordLinkBody)answer.Body;
            await context.Out.WriteLineAsync($"Password link for '{user.Username}', once, until {made.ExpiresAt:yyyy-MM-dd HH:mm} UTC: {parse.GetValue(baseUrl)!.TrimEnd('/')}{made.Link}");
            return 0;
        });
        return new Command("users", "Manage users.") { create, passwordLink };
    }

    public static Command Affiliates(CliContext context)
    {
        var code = new Option<string>("--code") { Description = "A short code, e.g. OH.", Required = true };
        var name = new Option<string>("--name") { Description = "The affiliate's name.", Required = true };
        var create = new Command("create", "Create an affiliate.") { code, name };
        create.SetAction(async (parse, ct) =>
        {
            var created = await context.SendAsync<Answer>(new CreateAffiliateCommand(parse.GetValue(code), parse.GetValue(name)) { Sender = CliContext.Operator("affiliates create") }, ct);
            await context.Out.WriteLineAsync($"Created affiliate {(created.Body as AffiliateBody)?.Code ?? parse.GetValue(code)}.");
            return 0;
        });
        return new Command("affiliates", "Manage affiliates.") { create };
    }
}
