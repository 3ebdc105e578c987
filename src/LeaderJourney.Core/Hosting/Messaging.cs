using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LeaderJourney.Core.Http;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace LeaderJourney.Core.Hosting;

/// <summary>
/// Wolverine in the host: commands and reactions are messages handled with Marten, and what a handler
/// sends commits with its events (Wolverine's transactional outbox, in the same PostgreSQL schema).
/// </summary>
public static class Messaging
{
    /// <summary>The Marten subscriptions feeding Wolverine handlers, for /health and `projections status`.</summary>
    public static readonly IReadOnlyList<string> Subscriptions = [Notifications.Reactions.SubscriptionName];

    /// <summary>Integrates Wolverine with Marten's registration (see <see cref="LeaderJourneyServices.AddLeaderJourneyCore"/>).</summary>
    public static void IntegrateWolverine(MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        marten.IntegrateWithWolverine();
        // The events other parts react to reach Wolverine handlers (Notifications.Reactions) through a
        // Marten subscription: in order, under the async daemon's hot/cold election like the read models.
        // A new database's subscription starts from the present (Reactions.StartFromPresentAsync).
        marten.ProcessEventsWithWolverineHandlersInStrictOrder(Notifications.Reactions.SubscriptionName, subscription =>
        {
            foreach (var type in Notifications.Reactions.Events) subscription.IncludeType(type);
        });
    }

    /// <summary>
    /// The command line's Marten integration: its handlers' sessions and transactions (the framework
    /// import is on the aggregate handler workflow), without the reactions' subscription.
    /// </summary>
    public static void IntegrateMediator(MartenServiceCollectionExtensions.MartenConfigurationExpression marten) => marten.IntegrateWithWolverine();

    public static IServiceCollection AddLeaderJourneyMessaging(this IServiceCollection services, IConfiguration configuration) =>
        WithBuiltInFrameworks(services.QuietCommandFailures().AddWolverine(ExtensionDiscovery.ManualOnly, options =>
        {
            Commands(options);
            // Several hosts on one database share Wolverine's durable work (inbox, outbox, scheduled
            // messages); a dead host's work is taken over by the others.
            options.Durability.Mode = DurabilityMode.Balanced;
            options.Policies.AutoApplyTransactions();
            options.Policies.UseDurableLocalQueues();
            // A CSV import runs in the background on a queue of its own, in memory: the previewed rows
            // (names, e-mails) live in this host's memory only, so its message is never stored either.
            options.PublishMessage<Leaders.Import.RunLeaderImport>().ToLocalQueue(Leaders.Import.LeaderImport.Queue);
            options.LocalQueue(Leaders.Import.LeaderImport.Queue).BufferedInMemory();
            // Answers kept under Idempotency-Keys are deleted once expired: one node at a time, hourly
            // (LeaderJourney:Idempotency:SweepCron; tests that move their clock keep it from firing).
            var cron = configuration["LeaderJourney:Idempotency:SweepCron"] is { Length: > 0 } configured ? configured : Http.SweepKeptAnswersHandler.Cron;
            try
            {
                options.Schedules.ScheduleRecurring<Http.SweepKeptAnswers>(cron);
            }
            catch (ArgumentException e)
            {
                throw new SettingException($"LeaderJourney:Idempotency:SweepCron: {e.Message.Split(':')[0]} (write five fields, as \"0 * * * *\" for hourly).");
            }
        }));

    /// <summary>
    /// The command line sends the same commands as the web host, through Wolverine as an in-process
    /// mediator: no durable messaging, no node of its own, no reactions (those run in the web hosts).
    /// </summary>
    public static IServiceCollection AddLeaderJourneyMediator(this IServiceCollection services) =>
        WithBuiltInFrameworks(services.QuietCommandFailures().AddWolverine(ExtensionDiscovery.ManualOnly, options =>
        {
            Commands(options);
            options.Durability.Mode = DurabilityMode.MediatorOnly;
        }));

    // Added right after Wolverine, whose runtime is a hosted service (they start in the order they were
    // added): the built-in catalog is imported through its bus, before the host takes requests.
    private static IServiceCollection WithBuiltInFrameworks(IServiceCollection services) => services.AddHostedService<Frameworks.BuiltInFrameworks>();

    /// <summary>
    /// Wolverine logs a failed message at Error, under the message type's name, with its exception.
    /// For a command that is a refusal answered as problem details (whose text may repeat what the
    /// caller typed: a malformed e-mail address, a taken user name) or a lost race tried again: neither
    /// is an error, and personal data must not reach a log. Failures nobody expected still are logged,
    /// by ASP.NET Core's exception handler (a 500) and by the command line (its one line).
    /// </summary>
    public static IServiceCollection QuietCommandFailures(this IServiceCollection services) =>
        services.AddLogging(logging =>
        {
            foreach (var type in typeof(Messaging).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Command)) && !t.IsAbstract).Append(typeof(Access.ResetPasswordCommand)).Append(typeof(Access.AskForPasswordMailCommand)))
                logging.AddFilter(type.FullName, LogLevel.None);
        });

    private static void Commands(WolverineOptions options)
    {
        options.ApplicationAssembly = typeof(Messaging).Assembly;
        // The handlers' code is generated ahead of time (Hosting/Generated, written by the web host's
        // `codegen write`) and loaded from this assembly: no Roslyn compile on a command's first use.
        options.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Static;
        // An append whose read models switched generations while it was made (a rebuild's switch-over
        // in another process) fails whole; it is tried again on a fresh look (Store's AppendScope).
        options.OnException(Storage.Store.GenerationsChangedDuring).RetryTimes(3);
        // A command sent with a token its request did not look up checks it in its save (Access/TokenChecks).
        options.Policies.ForMessagesOfType<Http.StreamCommand>().AddMiddleware(typeof(Access.TokenChecks.InTheWrite));
        // The role is checked before a position's stream is loaded and its row held.
        options.Policies.ForMessagesOfType<Succession.Positions.PositionCommand>().AddMiddleware(typeof(Succession.Positions.PositionAdminsOnly));
    }
}
