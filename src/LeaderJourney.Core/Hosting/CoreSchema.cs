using LeaderJourney.Storage;

namespace LeaderJourney.Core.Hosting;

/// <summary>The read-model tables of the use cases, as one forward-only list of migrations beside the store's own.</summary>
public static class CoreSchema
{
    public const string Component = "core";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "framework catalog", """
            create table {schema}.framework_editions (
                edition_id          uuid        primary key,
                framework_id        uuid        not null,
                name                text        not null,
                edition             text        not null,
                previous_edition_id uuid,
                content             jsonb       not null,
                domain_count        int         not null,
                theme_count         int         not null,
                source              text,
                published_by        text        not null,
                published_at        timestamptz not null,
                unique (framework_id, edition));

            -- How each theme of an edition continues in the next one; a leader's records follow it.
            create table {schema}.framework_theme_map (
                from_edition_id uuid not null,
                from_code       text not null,
                to_edition_id   uuid not null,
                to_code         text not null,
                change          text not null,
                primary key (from_edition_id, from_code, to_edition_id));
            """),
        // Sign-in data is not part of any leader's journey, so it lives in plain tables, not streams.
        new(2, "affiliates, users and access tokens", """
            create table {schema}.affiliates (
                code       text        primary key,
                name       text        not null,
                created_at timestamptz not null);

            create table {schema}.users (
                id              uuid        primary key,
                username        text        not null,
                password_hash   text        not null,
                role            text        not null,
                affiliate       text        references {schema}.affiliates (code),
                leader_id       uuid,
                created_at      timestamptz not null,
                failed_sign_ins int         not null default 0,
                locked_until    timestamptz);
            create unique index users_username on {schema}.users (lower(username));

            -- Only a hash of each token is kept: a copy of this table signs nobody in.
            create table {schema}.access_tokens (
                token_hash bytea       primary key,
                user_id    uuid        not null references {schema}.users (id) on delete cascade,
                created_at timestamptz not null,
                expires_at timestamptz not null);
            create index access_tokens_expiry on {schema}.access_tokens (expires_at);
            """),
        // A write sent again with the same Idempotency-Key answers what the first one answered. The row
        // is written in the transaction of the append it answers for, so the two stand or fall together.
        new(3, "idempotency keys", """
            create table {schema}.idempotency_keys (
                user_id     uuid        not null,
                key         text        not null,
                request     text        not null,
                status_code int         not null,
                location    text,
                response    jsonb       not null,
                created_at  timestamptz not null,
                primary key (user_id, key));
            """),
        // Personal data: a write's request is kept only as a hash (its body may name a person), and
        // each answer remembers its stream so an erasure can drop the answers about the leader.
        // Reads of sensitive data (a leader's record, an equity breakdown) leave a trail of ids and
        // times, never the data read.
        new(4, "idempotency request hashes, sensitive-read audit", """
            delete from {schema}.idempotency_keys;
            alter table {schema}.idempotency_keys add column stream_id uuid;
            create index idempotency_keys_stream on {schema}.idempotency_keys (stream_id);

            create table {schema}.sensitive_reads (
                id        bigint      generated always as identity primary key,
                at        timestamptz not null,
                user_id   uuid        not null,
                role      text        not null,
                affiliate text,
                what      text        not null,
                leader_id uuid);
            create index sensitive_reads_leader on {schema}.sensitive_reads (leader_id, at) where leader_id is not null;
            create index sensitive_reads_at on {schema}.sensitive_reads (at);
            """),
        // What a command on a leader decided on, as of a stream version, sealed under the leader's key
        // (it holds their name, email and notes); dropped by migration 10.
        new(5, "leader decision snapshots", """
            create table {schema}.leader_snapshots (
                leader_id uuid   primary key,
                version   bigint not null,
                fold      uuid   not null,
                state     text   not null);
            """),
        // What happened that someone should hear of (a level attained, a request declined, a term
        // ending), written by Wolverine handlers reacting to events: ids, codes and dates only, never a
        // person's text. The key makes a reaction that runs twice write once.
        new(6, "notifications", """
            create table {schema}.notifications (
                id          bigint      generated always as identity primary key,
                key         text        not null unique,
                affiliate   text        not null,
                leader_id   uuid,
                position_id uuid,
                kind        text        not null,
                theme_code  text,
                level       int,
                on_date     date,
                created_at  timestamptz not null);
            create index notifications_leader on {schema}.notifications (leader_id, id) where leader_id is not null;
            create index notifications_affiliate on {schema}.notifications (affiliate, id) where leader_id is null;
            """),
        // Sign-in tries are counted per user name and client address, for names that exist or not, under
        // a keyed hash of the two (no name, no address stored). Page sessions are tokens too, so one
        // delete ends every token and cookie of a user; a disabled user keeps their row, history and name.
        new(7, "sign-in throttle, page sessions, disabled users", """
            create table {schema}.sign_in_throttle (
                key          text        primary key,
                failures     int         not null,
                locked_until timestamptz,
                last_try_at  timestamptz not null);
            alter table {schema}.users drop column failed_sign_ins, drop column locked_until,
                add column disabled_at timestamptz;
            alter table {schema}.access_tokens add column kind text not null default 'api';
            create index access_tokens_user on {schema}.access_tokens (user_id);
            """),
        // Single sign-on matches a user by the verified email their identity provider vouches for. Only
        // a keyed hash of the address is kept: enough to find the account, nothing to read back.
        new(8, "user email hashes for single sign-on", """
            alter table {schema}.users add column email_hash text;
            create unique index users_email_hash on {schema}.users (email_hash) where email_hash is not null;
            """),
        // Answers kept before the request hashes were keyed hold plain SHA-256 hashes of what was sent
        // (guessable for a demographics answer): they go. Emails are unique within an affiliate only, so
        // one affiliate cannot take, or probe, another's addresses. The throttle is swept by age.
        new(9, "keyed request hashes only, email hashes per affiliate, throttle sweep index", """
            delete from {schema}.idempotency_keys;
            drop index if exists {schema}.users_email_hash;
            create unique index users_email_hash on {schema}.users (affiliate, email_hash) where email_hash is not null;
            create index sign_in_throttle_last_try on {schema}.sign_in_throttle (last_try_at);
            alter table {schema}.users add column credentials_changed_at timestamptz;
            """),
        // The leader commands decide on Marten's inline projection of the leader (mt_doc_leader, sealed
        // per field); the snapshots they kept before are no longer read. A leader without a row is
        // folded once by their next command, which stores one.
        new(10, "leader decision state kept by Marten", """
            drop table {schema}.leader_snapshots;
            """),
        // The stored leader's second shape (ids of what was recorded, learning grouped) lives in a table of
        // its own (LeaderAggregation.DocumentAlias); the first shape's table goes, so no copy of a leader is
        // left that an erasure would not reach. Every leader command rewrites the leader's row; a long
        // stream's row (kilobytes of ids) is compressed when stored, and PostgreSQL's default compression
        // (pglz) took about three times as long as lz4 for an update (docs/performance.md). Marten has
        // created the table by now (the store migrates before the core); a server built without lz4 keeps
        // its default.
        new(11, "leader decision state in its second shape, compressed with lz4", $$"""
            drop table if exists {schema}.mt_doc_leader;
            {{Lz4("mt_doc_leader_shape2")}}
            """),
        // What each reader has read of their notifications: the newest id they marked read (a leader's
        // notifications are theirs alone; each of an affiliate's staff keeps their own mark). No person's data.
        new(12, "notification read marks", """
            create table {schema}.notification_reads (
                user_id      uuid   primary key references {schema}.users (id) on delete cascade,
                read_through bigint not null);
            """),
        // At most one sign-in per leader, held by the database too: the check before an insert lets two
        // concurrent requests both through. A database that already has two stops here, naming the leaders.
        new(13, "one sign-in per leader", """
            do $$
            declare twice text;
            begin
                select string_agg(leader_id::text, ', ') into twice
                  from (select leader_id from {schema}.users where leader_id is not null group by leader_id having count(*) > 1) more;
                if twice is not null then
                    raise exception 'These leaders have more than one sign-in: %. Delete the extra rows of users (keep one per leader), then start again.', twice;
                end if;
            end $$;
            create unique index users_leader on {schema}.users (leader_id) where leader_id is not null;
            """),
        // An answer under an Idempotency-Key is kept for a day (IdempotentAnswers.KeepFor), then swept by
        // age (SweepKeptAnswersHandler).
        new(14, "kept answers expire", """
            create index idempotency_keys_created_at on {schema}.idempotency_keys (created_at);
            """),
        // Notices are mailed (Notifications/Mail): each mail is claimed, by what it tells of and whom it
        // goes to (ids), before it is sent, so a reaction or a message run twice sends it once. A user's address is kept sealed
        // (Access/UserEmails) to mail them; the accounts made before keep only the hash.
        new(15, "mail", """
            create table {schema}.mail_sent (
                what      text        not null,
                recipient uuid        not null,
                sent_at   timestamptz not null,
                primary key (what, recipient));
            alter table {schema}.users add column email_sealed bytea;
            """),
        // Each person may turn the mails off for themself (Access/MailPreference); the inbox keeps every notice.
        new(16, "mail off", """
            alter table {schema}.users add column mail_off boolean not null default false;
            """),
        // The pages' cookie and form keys (Access/PageKeyRing): one ring for every host, each key's
        // secret sealed with the active master key.
        new(17, "page keys", """
            create table {schema}.page_keys (
                name       text        primary key,
                xml        text        not null,
                created_at timestamptz not null);
            """),
        // A leader is mailed at their record's address and may have no sign-in: the stop link in their
        // mails (Access/MailStop) stops them here, by the record's id.
        new(18, "mail off for leaders", """
            create table {schema}.mail_off_leaders (
                leader_id  uuid        primary key,
                stopped_at timestamptz not null);
            """),
        // The stored leader's third shape keeps no ids (a unique index on the events keeps each recorded
        // once: EventTypeRegistry.RecordOnce). As for the second: its own table, the earlier one dropped
        // (each leader's next command folds the stream and stores the row), lz4 for the rows that pass 2 kB.
        new(19, "leader decision state in its third shape", $$"""
            drop table if exists {schema}.mt_doc_leader_shape2;
            {{Lz4("mt_doc_leader_shape3")}}
            """),
        // A command sent with a token this host has seen live checks it again in its own write, in the
        // save's batch (Access/TokenChecks): a token ended in between fails the write whole.
        new(20, "a command's token checked in its write", $$"""
            create procedure {schema}.assert_token_live(p_hash bytea, p_now timestamptz) language plpgsql as $proc$
            begin
                if not exists (select 1 from {schema}.access_tokens t join {schema}.users u on u.id = t.user_id
                                where t.token_hash = p_hash and {{Access.AccessDirectory.LiveTokenCondition("p_now")}}) then
                    raise exception 'The token is unknown or has expired.' using errcode = '{{Access.TokenChecks.EndedState}}';
                end if;
            end $proc$;
            """),
        // The language a user's pages were last shown in (a two-letter code), so their mails are in it too.
        new(21, "a user's language", """
            alter table {schema}.users add column language text;
            """),
        // One-time links with which a user chooses a new password (Access/PasswordReset): only the token's hash.
        new(22, "password links", """
            create table {schema}.password_links (
                token_hash bytea primary key,
                user_id uuid not null references {schema}.users (id) on delete cascade,
                expires_at timestamptz not null,
                made_by uuid,
                made_at timestamptz not null
            );
            create index password_links_user on {schema}.password_links (user_id);
            """),
        // The name people know a user by, sealed as the e-mail address is (Access/UserEmails).
        new(23, "a user's name", """
            alter table {schema}.users add column name_sealed bytea;
            """),
        // A password link used is kept as the record of who made it and when it was used; one open link a
        // user (the newest); none for a leader's sign-in.
        new(24, "password links kept once used", """
            alter table {schema}.password_links add column used_at timestamptz;
            delete from {schema}.password_links a using {schema}.password_links b
             where a.user_id = b.user_id and (a.made_at, a.token_hash) < (b.made_at, b.token_hash);
            delete from {schema}.password_links l using {schema}.users u where u.id = l.user_id and u.role = 'leader';
            create unique index password_links_open on {schema}.password_links (user_id) where used_at is null;
            """),
        // An address its owner proved is theirs (Access/ConfirmedAddress), as the keyed hash of the address
        // (users.email_hash's, for a leader of their record's), and when: a forgotten password may be mailed
        // there (Access/PasswordMail) while it is still the address on file and no password was set since.
        // One open confirmation link a user. A password link mailed so is marked: only such a link opens a
        // leader's sign-in.
        new(25, "confirmed addresses", """
            alter table {schema}.users add column confirmed_email_hash text, add column confirmed_at timestamptz;
            create table {schema}.address_confirmations (
                user_id uuid primary key references {schema}.users (id) on delete cascade,
                token_hash bytea not null unique,
                email_hash text not null,
                expires_at timestamptz not null
            );
            alter table {schema}.password_links add column mailed boolean not null default false;
            """),
        // When a password link was mailed to a user, for a day: no more than a few a day reach anyone's
        // mailbox (Access/PasswordMail), however many times their name is asked for.
        new(26, "password mails of the last day", """
            create table {schema}.password_mails (
                user_id uuid not null references {schema}.users (id) on delete cascade,
                mailed_at timestamptz not null
            );
            create index password_mails_user on {schema}.password_mails (user_id, mailed_at);
            """),
        // Whether the user chose their language (not only had it from their browser): a chosen one follows
        // them to another browser, and a browser's own language does not replace it.
        new(27, "a user's chosen language", """
            alter table {schema}.users add column language_chosen boolean not null default false;
            """),
        // The stored leader's fourth shape keeps when the request a standing sign-off answered was asked (an
        // undo puts the request back as old as it was). As for the third: its own table, the earlier one dropped.
        new(28, "leader decision state in its fourth shape", $$"""
            drop table if exists {schema}.mt_doc_leader_shape3;
            {{Lz4("mt_doc_leader_shape4")}}
            """),
        // A level attained and taken back before the leader heard of it (a mentor's undo of a wrong tap)
        // is told neither way: both notices stay, withdrawn, so a reaction run again writes neither anew.
        new(29, "notices withdrawn unheard", """
            alter table {schema}.notifications add column withdrawn boolean not null default false;
            """),
        // When a sign-in was first used: an admin's password link for a leader's sign-in never used yet (its
        // first link) withdraws nothing, as the leader has given nothing through it. Sign-ins made before are
        // taken as used, so their admin links keep withdrawing.
        new(30, "sign-ins first used", """
            alter table {schema}.users add column signed_in_at timestamptz;
            update {schema}.users set signed_in_at = created_at;
            """),
        // An affiliate's code and name are each one affiliate's in any case ("nv" is "NV"), held by the
        // database too: the check before an insert lets two national admins adding one at once both through.
        // A database that already has two stops here, naming them (affiliates are neither renamed nor
        // removed by the app, so only its operator can say which is meant).
        new(31, "affiliate codes and names unique in any case", """
            do $$
            declare twice text;
            begin
                select string_agg(same, '; ') into twice from (
                    select string_agg(code || ' (' || name || ')', ' and ' order by created_at) as same from {schema}.affiliates group by lower(code) having count(*) > 1
                    union all
                    select string_agg(code || ' (' || name || ')', ' and ' order by created_at) from {schema}.affiliates group by lower(name) having count(*) > 1) more;
                if twice is not null then
                    raise exception 'These affiliates have one code or name in different cases: %. Give each its own code and name in affiliates (or move the users and leaders of one to the other), then start again.', twice;
                end if;
            end $$;
            create unique index affiliates_code_any_case on {schema}.affiliates (lower(code));
            create unique index affiliates_name_any_case on {schema}.affiliates (lower(name));
            """),
        // When each sign-in was last used, for admins to see who never started or stopped long ago (sign-ins
        // made before are left unknown: the first use is known, the last is not).
        new(32, "sign-ins last used", """
            alter table {schema}.users add column last_signed_in_at timestamptz;
            """),
        // A form's answer kept for the page's one load after its redirect (Web/Pages/FormAnswers): sealed
        // under a key that only the browser's cookie holds.
        new(33, "form answers", """
            create table {schema}.page_answers (id uuid primary key, kept_at timestamptz not null, sealed bytea not null);
            create index page_answers_kept_at on {schema}.page_answers (kept_at);
            """),
        // Who changed whose sign-in and how (Access/AccountChanges): ids, role codes and times, no names.
        new(34, "changes to sign-ins", """
            create table {schema}.account_changes (
                id        bigint generated always as identity primary key,
                at        timestamptz not null,
                actor     uuid,
                user_id   uuid not null,
                affiliate text,
                change    text not null,
                detail    text
            );
            create index account_changes_by_affiliate on {schema}.account_changes (affiliate, id desc);
            """),
        // The stored leader's fifth shape folds a training withdrawn (its learning goes with it). As for the
        // fourth: its own table, the earlier one dropped; a leader without a row is folded from the stream.
        new(35, "leader decision state in its fifth shape", $$"""
            drop table if exists {schema}.mt_doc_leader_shape4;
            {{Lz4("mt_doc_leader_shape5")}}
            """),
        // A notice to one user (a mentor told of a new mentee): about a leader, but not the leader's to read.
        new(36, "notices to one user", """
            alter table {schema}.notifications add column user_id uuid;
            create index notifications_user on {schema}.notifications (user_id, id) where user_id is not null;
            """),
        // The trail of sign-ins also keeps who added or renamed an affiliate: a change to no sign-in.
        new(37, "affiliate changes in the trail", """
            alter table {schema}.account_changes alter column user_id drop not null;
            """),
        // The stored leader's sixth shape keeps the declines a mentor may still withdraw. As for the fifth: its own
        // table, the earlier one dropped; a leader without a row is folded from the stream (their standing declines too).
        new(38, "leader decision state in its sixth shape", $$"""
            drop table if exists {schema}.mt_doc_leader_shape5;
            {{Lz4("mt_doc_leader_shape6")}}
            """),
        // A read of an equity breakdown keeps the moment it was counted to: what the reader saw.
        new(39, "report reads with their date", """
            alter table {schema}.sensitive_reads add column as_of timestamptz;
            """),
    ];

    /// <summary>lz4 for the stored leaders' rows, when the table is there (a schema without Marten's has none) and the server has lz4.</summary>
    private static string Lz4(string table) => $$"""
        do $$ begin
            alter table if exists {schema}.{{table}} alter column data set compression lz4;
        exception when feature_not_supported then
            raise notice 'lz4 is not built into this server: the leader rows keep the default compression';
        end $$;
        """;
}
