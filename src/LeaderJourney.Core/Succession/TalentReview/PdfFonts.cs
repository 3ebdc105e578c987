using PdfSharp.Fonts;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary>
/// PDFsharp's Core build finds no fonts on Linux by itself: this resolver gives it the system's DejaVu
/// Sans (or Liberation Sans, or Arial on Windows), regular and bold, read once. Installed once per
/// process, before PDFsharp's first font (its rule: one resolver, set before any font is used).
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    /// <summary>The family name the reports ask PDFsharp for.</summary>
    public const string Family = "LeaderJourney Sans";

    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("arial.ttf", "arialbd.ttf"),
    ];

    private static readonly Lazy<PdfFonts?> Installed = new(Install);

    private readonly byte[] _regular, _bold;

    private PdfFonts(byte[] regular, byte[] bold) => (_regular, _bold) = (regular, bold);

    /// <summary>Whether the PDF can be set: a font was found and PDFsharp uses it.</summary>
    public static bool Available => Installed.Value is not null;

    private static PdfFonts? Install()
    {
        string[] folders = ["/usr/share/fonts", "/usr/local/share/fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts)];
        foreach (var (regular, bold) in Candidates)
        {
            var found = folders.Where(f => f.Length > 0 && Directory.Exists(f))
                .Select(f => (Regular: Find(f, regular), Bold: Find(f, bold)))
                .FirstOrDefault(p => p.Regular is not null && p.Bold is not null);
            if (found.Regular is null) continue;
            var fonts = new PdfFonts(File.ReadAllBytes(found.Regular), File.ReadAllBytes(found.Bold!));
            GlobalFontSettings.FontResolver = fonts;
            return fonts;
        }
        return null;
    }

    private static string? Find(string folder, string file) =>
        Directory.EnumerateFiles(folder, file, new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = true }).FirstOrDefault();

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "bold" : "regular", mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[]? GetFont(string faceName) => faceName == "bold" ? _bold : _regular;
}
