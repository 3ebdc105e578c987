using netDumbster.smtp;

namespace LeaderJourney.IntegrationTests.Infrastructure;

public static class ReceivedMail
{
    /// <summary>
    /// The mails the test server holds. netDumbster copies its list without a lock, so a copy taken while
    /// a mail arrives can throw (IndexOutOfRangeException, seen once in a full run while a test polled for a
    /// mail): the copy is taken again.
    /// </summary>
    public static SmtpMessage[] Mails(this SimpleSmtpServer server)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return server.ReceivedEmail; }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException && attempt < 20) { }
        }
    }
}
