namespace LeaderJourney.Core.Leaders;

/// <summary>
/// A name as searches and the check for a name enrolled twice compare it: its accents dropped, in small
/// letters, a hyphen a space, so "maria jose" finds "María-José Ñúñez" (typed on a keyboard without accents,
/// or from a list that dropped them). One table of letters, used in C# (<see cref="Of"/>) and in SQL
/// (<see cref="Sql"/>) alike; not PostgreSQL's unaccent, an extension a plain server may lack.
/// </summary>
public static class NameFold
{
    // Each plain letter and the accented letters read as it; their capitals are added below.
    private static readonly (char Plain, string Accented)[] Letters =
    [
        ('a', "àáâãäåāăą"), ('c', "çćčĉċ"), ('d', "ďđ"), ('e', "èéêëēėęěĕ"), ('g', "ğĝġģ"), ('i', "ìíîïīįĩĭı"),
        ('l', "łľĺļ"), ('n', "ñńňņ"), ('o', "òóôõöøōőŏ"), ('r', "řŕŗ"), ('s', "šśşșŝ"), ('t', "ťţț"),
        ('u', "ùúûüūůűųŭũ"), ('y', "ýÿŷ"), ('z', "žźż"),
    ];

    /// <summary>The letters translated, and what each becomes (the same length, position by position).</summary>
    public static readonly string Accented, Plain;

    static NameFold()
    {
        var (from, to) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
        foreach (var (plain, accented) in Letters)
            foreach (var letter in accented)
                // A capital that is plain ASCII ("ı" is the capital "I") is left to lower().
                foreach (var form in new[] { letter, char.ToUpperInvariant(letter) }.Distinct().Where(f => f == letter || f > 127))
                    (from, to) = (from.Append(form), to.Append(plain));
        // The dotted capital I has no small letter of its own among these.
        from.Append('İ').Append('-');
        to.Append('i').Append(' ');
        (Accented, Plain) = (from.ToString(), to.ToString());
    }

    /// <summary>The name folded: each listed letter to its plain one, then in small letters.</summary>
    public static string Of(string text) =>
        string.Create(text.Length, text, (folded, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                folded[i] = char.ToLowerInvariant(Accented.IndexOf(source[i]) is var at and >= 0 ? Plain[at] : source[i]);
        });

    /// <summary>
    /// A name as compared: folded (<see cref="Of"/>), trimmed and its spaces one ("Ana  nuñez " is "ana nunez",
    /// "Mary-Ann" is "mary ann"). The leaders' read model keeps it (<c>name_key</c>): a change to the table of
    /// letters needs a new version of that read model, or the names kept and those typed would differ.
    /// </summary>
    public static string Key(string text) => System.Text.RegularExpressions.Regex.Replace(Of(text), @"\s+", " ").Trim();

    /// <summary>Whether <paramref name="typed"/> stands in <paramref name="text"/>, both as <see cref="Key"/> compares them.</summary>
    public static bool Finds(string text, string typed) => Key(text).Contains(Key(typed), StringComparison.Ordinal);

    /// <summary>SQL: the expression folded as <see cref="Of"/> folds it (translated first, then lower()).</summary>
    public static string Sql(string expression) => $"lower(translate({expression}, '{Accented}', '{Plain}'))";
}
