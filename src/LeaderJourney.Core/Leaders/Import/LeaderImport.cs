using System.Text;
using System.Collections.Concurrent;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain;
using LeaderJourney.Core.Leaders.Enrol;
using LeaderJourney.Core.Leaders.Learning;
using LeaderJourney.Core.Leaders.Mentors;
using LeaderJourney.Storage;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace LeaderJourney.Core.Leaders.Import;

/// <summary>One row of a leaders CSV, checked: what it will create, or what is wrong with it.</summary>
public sealed record ImportRow(int Line, string DisplayName, string Email, string? Local, string? Mentor, Guid? MentorId,
    string? TrainingTitle, string? ThemeCode, int? Level, DateOnly? CompletedOn, IReadOnlyList<string> Errors)
{
    public bool IsGood => Errors.Count == 0;

    /// <summary>The row's fields as the file had them, to give back the rows left out for mending.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];
}

public enum ImportState { Preview, Running, Done }

/// <summary>An import: previewed first; then its good rows are imported in the background while a page shows the progress.</summary>
public sealed class ImportJob(Guid id, CurrentUser owner, string affiliate, IReadOnlyList<ImportRow> rows, DateTimeOffset expiresAt)
{
    private readonly ImportRow[] _rows = [.. rows];

    public Guid Id { get; } = id;
    public CurrentUser Owner { get; } = owner;
    public string Affiliate { get; } = affiliate;
    public IReadOnlyList<ImportRow> Rows => _rows;

    /// <summary>The file's separator (<see cref="CsvText.SeparatorOf"/>): the rows left out are given back with it.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>The rows' addresses could not be looked for among those enrolled (the leaders' list was being rebuilt): the preview says so.</summary>
    public bool AddressesUnchecked { get; init; }

    /// <summary>The file's header, as its columns were named (lower case).</summary>
    public IReadOnlyList<string> Header { get; init; } = [];

    /// <summary>
    /// The rows left out (refused in the preview, or failed when imported) as a CSV of the file's own
    /// columns and an <c>error</c> column: mended there, it is uploaded again without the rows imported.
    /// </summary>
    /// <param name="say">How the page's reader reads the reasons (their language); English as written by default.</param>
    public string LeftOutCsv(Func<string, string>? say = null)
    {
        var csv = new System.Text.StringBuilder();
        // An error column given back before is left out: the new one says why now.
        var kept = Header.Select((column, i) => (column, i)).Where(c => c.column != LeaderImport.ErrorColumn).Select(c => c.i).ToList();
        Succession.Reports.ReportFormats.Row(csv, Separator, [.. kept.Select(i => Header[i]), LeaderImport.ErrorColumn]);
        foreach (var row in Rows)
        {
            var why = !row.IsGood ? string.Join(" ", row.Errors.Select(e => say?.Invoke(e) ?? e)) : Failures.TryGetValue(row.Line, out var failure) ? say?.Invoke(failure) ?? failure : null;
            if (why is null) continue;
            // Every field the row had, those past the header too (an unquoted comma in a name), then why.
            var fields = kept.Select(i => i < row.Fields.Count ? row.Fields[i] : "").Concat(row.Fields.Skip(Header.Count));
            Succession.Reports.ReportFormats.Row(csv, Separator, [.. fields, why]);
        }
        return csv.ToString();
    }

    /// <summary>How many rows <see cref="LeftOutCsv"/> gives back.</summary>
    public int LeftOut => Rows.Count(r => !r.IsGood || Failures.ContainsKey(r.Line));
    public ImportState State { get; internal set; } = ImportState.Preview;
    public int Done => _done;
    public ConcurrentDictionary<int, string> Failures { get; } = new();
    internal int _done;

    /// <summary>When the job and the names it holds are dropped (see <see cref="LeaderImport.PreviewLifetime"/>).</summary>
    public DateTimeOffset ExpiresAt { get; internal set; } = expiresAt;

    /// <summary>The leader each imported row became, so an erasure of that leader reaches the row.</summary>
    internal ConcurrentDictionary<Guid, int> ImportedLeaders { get; } = new();

    internal void ForgetRow(int line)
    {
        lock (_rows)
        {
            var index = Array.FindIndex(_rows, r => r.Line == line);
            if (index >= 0) _rows[index] = _rows[index] with { DisplayName = Domain.Leaders.Leader.ErasedName, Email = "", Local = null, Mentor = null, TrainingTitle = null, Fields = [] };
        }
    }
}

/// <summary>
/// Imports leaders (and a past training each, when the row gives one) from CSV with the header
/// <c>display_name,email,local,mentor,training_title,theme_code,level,completed_on</c> (the last six
/// optional). Every row is checked before anything is stored; the good rows are then imported one by
/// one in the background, as the same commands as the API, and a bad row never stops the others.
/// </summary>
public sealed class LeaderImport : IDisposable
{
    private readonly AccessDirectory directory;
    private readonly FrameworkScopes scopes;
    private readonly LeaderLists lists;
    private readonly TimeProvider clock;
    private readonly ITimer _sweep;

    public LeaderImport(AccessDirectory directory, FrameworkScopes scopes, LeaderLists lists, TimeProvider clock)
    {
        (this.directory, this.scopes, this.lists, this.clock) = (directory, scopes, lists, clock);
        // Expired previews go within a minute even when nobody opens an import again.
        _sweep = clock.CreateTimer(_ => DropExpired(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>What a file holds, shown in a message: at most 60 characters.</summary>
    private static string Shown(string text) => text.Length <= 60 ? text : text[..60] + "…";

    public static readonly string[] Columns = ["display_name", "email", "local", "mentor", "training_title", "theme_code", "level", "completed_on"];

    /// <summary>A file to start from: the header and one made-up row, with a past training, to overwrite.</summary>
    /// <param name="separator">The reader's spreadsheet's own: a semicolon where it writes decimals with a comma (Spanish).</param>
    public static string Template(char separator = ',')
    {
        var csv = new StringBuilder();
        Succession.Reports.ReportFormats.Row(csv, separator, Columns);
        Succession.Reports.ReportFormats.Row(csv, separator, "Ana Example", "ana.example@example.org", "Local 12", "", "Advocacy 101", "ADV.1", "1", "2026-03-15");
        return csv.ToString();
    }

    /// <summary>The column the rows left out are given back with, saying why; an import reads past it.</summary>
    public const string ErrorColumn = "error";
    public const int MaxRows = 5000;

    /// <summary>
    /// A preview holds names and emails of people who are not leaders yet, in this host's memory only:
    /// it is dropped an hour after it was made unless started, and a finished import an hour after it
    /// ended. An erasure of a leader an import made blanks their row at once (<see cref="ForgetLeader"/>).
    /// </summary>
    public static readonly TimeSpan PreviewLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<Guid, ImportJob> _jobs = new();

    public ImportJob? Find(Guid id, CurrentUser caller)
    {
        DropExpired();
        return _jobs.TryGetValue(id, out var job) && job.Owner.UserId == caller.UserId ? job : null;
    }

    /// <summary>An erased leader's row in any import this host still holds reads as erased from now on.</summary>
    public void ForgetLeader(Guid leaderId)
    {
        foreach (var job in _jobs.Values)
            if (job.ImportedLeaders.TryGetValue(leaderId, out var line)) job.ForgetRow(line);
    }

    private void DropExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, job) in _jobs)
            if (job.State != ImportState.Running && job.ExpiresAt <= now) _jobs.TryRemove(id, out _);
    }

    public async Task<ImportJob> PreviewAsync(string csv, CurrentUser caller, Guid frameworkEditionId, CancellationToken ct)
    {
        if (!caller.IsAdmin || caller.Affiliate is null) throw new ForbiddenException("Affiliate staff import leaders.");
        var mentorsByUsername = await directory.MentorsAsync(caller.Affiliate, ct);
        // A disabled mentor is refused in the preview: at import the leader would be enrolled and the assignment refused.
        var disabledMentors = await directory.DisabledMentorsAsync(caller.Affiliate, ct);
        // A mentor may also be named as people know them (as the leaders page takes), when the name is one mentor's alone.
        var mentorsByName = (await directory.MentorNamesAsync(caller.Affiliate, ct, ableToSignIn: true))
            .GroupBy(m => m.Value.Trim(), StringComparer.CurrentCultureIgnoreCase).ToDictionary(g => g.Key, g => g.Select(m => m.Key).ToList(), StringComparer.CurrentCultureIgnoreCase);
        // Lines of blanks alone (a spreadsheet's empty rows) are no rows.
        var records = CsvText.Read(csv).Where(r => r.Fields.Any(f => f.Trim().Length > 0)).ToList();
        if (records.Count == 0) throw new RequestValidationException("file", "The file is empty.");
        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
        // Said with what the file's first line holds: a spreadsheet's own headings ("Nombre", "Correo") are the common slip.
        if (header.Length < 2 || header[0] != "display_name" || header[1] != "email")
            throw new RequestValidationException("file", $"Line 1 must be the header: {string.Join(',', Columns)} (the first two required); this file's line 1 begins '{Shown(string.Join(CsvText.SeparatorOf(csv), records[0].Fields.Take(2)))}'. The template has the header.");
        // The rows left out of an earlier import come back with an error column (ImportJob.LeftOutCsv): it is read past.
        if (header.Except(Columns).FirstOrDefault(column => column != ErrorColumn) is { } unknown)
            throw new RequestValidationException("file", $"Line 1: unknown column '{unknown}'; the columns are {string.Join(',', Columns)}.");
        if (records.Count == 1) throw new RequestValidationException("file", "The file has its header but no row under it: add a line for each leader.");
        if (records.Count - 1 > MaxRows) throw new RequestValidationException("file", $"At most {MaxRows} rows per import.");
        var scope = (await scopes.FindAsync(frameworkEditionId, ct))!;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var rows = new List<ImportRow>();
        var seenEmails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in records.Skip(1))
        {
            string? Field(string column)
            {
                var index = Array.IndexOf(header, column);
                return index >= 0 && index < fields.Count && fields[index].Trim().Length > 0 ? fields[index].Trim() : null;
            }
            var errors = new List<string>();
            string? Check(string column, Func<string?, string?> check)
            {
                try { return check(Field(column)); }
                catch (RequestValidationException e) { errors.Add($"Row {line}, {column}: {e.Message}"); return null; }
            }
            if (fields.Count > header.Length) errors.Add($"Row {line}: {fields.Count} fields, but the header has {header.Length}.");
            // A blank cell is said as missing, in words: the API's "Give email (1 to 254 characters)" reads oddly against a row.
            var name = Check("display_name", v => LeaderInput.LeaderName(v ?? throw new RequestValidationException("display_name", "the leader's name is missing."), "display_name"));
            var email = Check("email", v => LeaderInput.Email(v ?? throw new RequestValidationException("email", "the e-mail address is missing.")));
            if (email is not null && !seenEmails.Add(email)) errors.Add($"Row {line}, email: {email} appears twice in this file.");
            var local = Check("local", v => LeaderInput.Optional(v, "local", LeaderInput.MaxLocalLength));
            var mentor = Field("mentor");
            Guid? mentorId = null;
            if (mentor is not null && mentorsByUsername.TryGetValue(mentor, out var found))
            {
                if (disabledMentors.Contains(found)) errors.Add($"Row {line}, mentor: '{mentor}' cannot sign in (their sign-in is disabled): enable it first, or name another mentor.");
                else mentorId = found;
            }
            else if (mentor is not null && mentorsByName.TryGetValue(mentor, out var named) && named.Count == 1) mentorId = named[0];
            else if (mentor is not null && mentorsByName.ContainsKey(mentor)) errors.Add($"Row {line}, mentor: '{mentor}' is the name of several mentors: give the user name.");
            else if (mentor is not null) errors.Add($"Row {line}, mentor: '{mentor}' is not a mentor of {caller.Affiliate}.");
            var title = Check("training_title", v => LeaderInput.Optional(v, "training_title", LeaderInput.MaxTitleLength));
            string? theme = null;
            int? level = null;
            DateOnly? completed = null;
            if (title is not null)
            {
                theme = Check("theme_code", v =>
                {
                    if (v is null) throw new RequestValidationException("theme_code", "the training's theme code is missing (such as ADV.1).");
                    scope.ValidateTheme(v, "theme_code");
                    return v;
                });
                level = Check("level", v => v is null ? throw new RequestValidationException("level", $"the training's level is missing (1 to {scope.MaxLevel}).")
                    : int.TryParse(v, out var l) && l >= 1 && l <= scope.MaxLevel ? v : throw new RequestValidationException("level", $"'{v}' is not a level: give a whole number from 1 to {scope.MaxLevel}.")) is { } lv ? int.Parse(lv) : null;
                // Said with what was there: a spreadsheet's own date ("03/15/2026") is the common slip.
                completed = Check("completed_on", v => !DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d)
                    ? throw new RequestValidationException("completed_on", v is null ? "the training's completion date is missing (as yyyy-MM-dd, e.g. 2026-03-15)." : $"'{v}' is not a date as yyyy-MM-dd (e.g. 2026-03-15).")
                    : d > today ? throw new RequestValidationException("completed_on", $"{v} is in the future: a training is recorded once completed.")
                    : v) is { } cv ? DateOnly.ParseExact(cv, "yyyy-MM-dd") : null;
            }
            else if (Field("theme_code") is not null || Field("level") is not null)
                errors.Add($"Row {line}, training_title: a training needs a title.");
            rows.Add(new ImportRow(line, name ?? "", email ?? "", local, mentor, mentorId, title, theme, level, completed, errors) { Fields = [.. fields] });
        }
        // A leader enrolled already under a row's name, or a name on an earlier row, is most likely the same
        // person (the list imported again, or listed twice): the row is not imported. Two people who share a
        // name are enrolled one by one on the leaders page, which asks.
        var enrolled = (await lists.NamedAsync(caller.Affiliate, [.. rows.Where(r => r.DisplayName.Length > 0).Select(r => r.DisplayName)], ct))
            .GroupBy(l => LeaderLists.NameKey(l.DisplayName)).ToDictionary(g => g.Key, g => g.First());
        var firstOfName = new Dictionary<string, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.DisplayName.Length == 0) continue;
            var key = LeaderLists.NameKey(row.DisplayName);
            string? repeat = enrolled.TryGetValue(key, out var same)
                ? $"Row {row.Line}, display_name: {same.DisplayName}{(same.Local is { Length: > 0 } l ? $" ({l})" : "")} is enrolled already; if this is someone else, enrol them on the leaders page."
                : !firstOfName.TryAdd(key, row.Line)
                ? $"Row {row.Line}, display_name: {row.DisplayName} is also on row {firstOfName[key]}; if this is someone else, enrol them on the leaders page."
                : null;
            if (repeat is not null) rows[i] = row with { Errors = [.. row.Errors, repeat] };
        }
        // A leader enrolled already under a row's address (and not under its name, said above) is most likely the
        // same person under another spelling of their name; two people sharing an address are enrolled on the
        // leaders page, which asks.
        var byAddress = await lists.WithAddressAsync(caller.Affiliate, [.. rows.Where(r => r.Email.Length > 0).Select(r => r.Email)], ct);
        var enrolledAt = (byAddress ?? []).GroupBy(a => a.AddressKey).ToDictionary(g => g.Key, g => g.First().Leader);
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Email.Length > 0 && enrolledAt.TryGetValue(LeaderLists.AddressKey(rows[i].Email), out var holder)
                && !(enrolled.TryGetValue(LeaderLists.NameKey(rows[i].DisplayName), out var byName) && byName.Id == holder.Id))
                rows[i] = rows[i] with { Errors = [.. rows[i].Errors,
                    $"Row {rows[i].Line}, email: {holder.DisplayName}{(holder.Local is { Length: > 0 } l ? $" ({l})" : "")} is enrolled already with this address; if this is someone else, enrol them on the leaders page."] };
        // So is an address on an earlier row under another name (a name repeated is said above).
        var firstOfAddress = new Dictionary<string, ImportRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Email.Length == 0) continue;
            if (firstOfAddress.TryGetValue(LeaderLists.AddressKey(rows[i].Email), out var first))
            {
                // In place of the row's "appears twice" (said above when the address is spelled alike): one sentence, naming the row before.
                var twice = $"Row {rows[i].Line}, email: {rows[i].Email} appears twice in this file.";
                if (LeaderLists.NameKey(first.DisplayName) != LeaderLists.NameKey(rows[i].DisplayName))
                    rows[i] = rows[i] with { Errors = [.. rows[i].Errors.Where(e => e != twice),
                        $"Row {rows[i].Line}, email: {first.DisplayName} on row {first.Line} has this address too; if this is someone else, enrol them on the leaders page."] };
            }
            else firstOfAddress[LeaderLists.AddressKey(rows[i].Email)] = rows[i];
        }
        DropExpired();
        var job = new ImportJob(Guid.NewGuid(), caller, caller.Affiliate, rows, clock.GetUtcNow() + PreviewLifetime)
            { Header = header, Separator = CsvText.SeparatorOf(csv), AddressesUnchecked = byAddress is null };
        _jobs[job.Id] = job;
        return job;
    }

    /// <summary>
    /// Queues the job's good rows for import (<see cref="RunLeaderImport"/>, on Wolverine's local queue
    /// <see cref="Queue"/>); <see cref="ImportJob.Done"/> counts them as they land.
    /// </summary>
    public async Task StartAsync(ImportJob job, Guid frameworkEditionId, IMessageBus bus)
    {
        if (job.State != ImportState.Preview) return;
        job.State = ImportState.Running;
        await bus.PublishAsync(new RunLeaderImport(job.Id, frameworkEditionId));
    }

    /// <summary>The local queue imports run on: kept in memory, as the rows are (a preview holds names and never reaches the database).</summary>
    public const string Queue = "leader-imports";

    /// <summary>Imports every good row; a row that fails is reported on the page and never stops the others, and the job always ends.</summary>
    internal async Task RunAsync(RunLeaderImport message, Http.StreamCommandBus commands, ILogger logger)
    {
        if (!_jobs.TryGetValue(message.JobId, out var job)) return;
        try
        {
            foreach (var row in job.Rows.Where(r => r.IsGood))
            {
                // Rows are sent as the staff member who started the import: once they are disabled or
                // no longer staff, the rest is not imported.
                if (await directory.FindByIdAsync(job.Owner.UserId, enabledOnly: true) is not { IsAdmin: true } owner || owner.Affiliate != job.Affiliate)
                {
                    job.Failures[row.Line] = $"Row {row.Line}: not imported; the account that started this import was disabled or changed.";
                    Interlocked.Increment(ref job._done);
                    continue;
                }
                try
                {
                    await ImportRowAsync(job, row, message.FrameworkEditionId, commands);
                }
                catch (AlreadyEnrolledException found)
                {
                    // Enrolled since the preview (the same list imported in another tab, or by hand on the leaders page).
                    var (same, sameAddress) = found.Leaders[0];
                    job.Failures[row.Line] = $"Row {row.Line}, {(sameAddress ? "email" : "display_name")}: {same.DisplayName}{(same.Local is { Length: > 0 } l ? $" ({l})" : "")} "
                        + $"is enrolled already{(sameAddress ? " with this address" : "")}; if this is someone else, enrol them on the leaders page.";
                }
                catch (Exception e) when (Http.Problems.For(e) is not null)
                {
                    // A refusal: its text is for the person who imports (it may repeat their row).
                    job.Failures[row.Line] = $"Row {row.Line}: {e.Message}";
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Logged by kind only: an unexpected error's text may hold the row's data.
                    logger.LogError("Row {Line} of import {Job} failed: {Error}", row.Line, job.Id, e.GetType().Name);
                    job.Failures[row.Line] = $"Row {row.Line}: could not be imported because of an unexpected error; try it again later.";
                }
                Interlocked.Increment(ref job._done);
            }
        }
        finally
        {
            job.ExpiresAt = clock.GetUtcNow() + PreviewLifetime;
            job.State = ImportState.Done;
        }
    }

    /// <summary>A row is the commands staff would send for it one by one: enrol, assign the mentor, record the training.</summary>
    private static async Task ImportRowAsync(ImportJob job, ImportRow row, Guid edition, Http.StreamCommandBus commands)
    {
        var leaderId = Guid.CreateVersion7();
        job.ImportedLeaders[leaderId] = row.Line;
        var sender = new Sender(job.Owner, new WriteOptions(null, null, $"import {job.Id} row {row.Line}"));
        await commands.InvokeAsync(new EnrolLeaderCommand(leaderId, job.Affiliate, row.DisplayName, row.Email, row.Local, edition.ToString())
            { Sender = sender, AsksIfEnrolled = true }, CancellationToken.None);
        if (row.MentorId is { } mentor)
            await commands.InvokeAsync(new AssignMentorCommand(leaderId, mentor.ToString()) { Sender = sender }, CancellationToken.None);
        if (row.TrainingTitle is { } title)
            await commands.InvokeAsync(new RecordTrainingCommand(leaderId, title, row.ThemeCode, row.Level, null,
                row.CompletedOn!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) { Sender = sender }, CancellationToken.None);
    }
}

/// <summary>Runs a previewed import (by id: the rows stay in the host's memory).</summary>
public sealed record RunLeaderImport(Guid JobId, Guid FrameworkEditionId);

public static class RunLeaderImportHandler
{
    public static Task Handle(RunLeaderImport message, LeaderImport imports, Http.StreamCommandBus commands, ILogger<LeaderImport> logger) => imports.RunAsync(message, commands, logger);
}
