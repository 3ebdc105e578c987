using System.Globalization;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Succession.Reports;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary>
/// The talent review as a PDF for the board's meeting: A4 landscape, the grid then the decisions, in
/// the reader's language; a table's headings are repeated on each page it runs onto, and every page
/// says what it is and which page of how many. Fonts come from <see cref="PdfFonts"/>.
/// </summary>
public static class TalentReviewPdf
{
    private const double Margin = 36, Padding = 3;

    /// <exception cref="InvalidOperationException">No font was found (check <see cref="PdfFonts.Available"/> first).</exception>
    public static byte[] Render(TalentReviewReport r, ISentences say)
    {
        if (!PdfFonts.Available) throw new InvalidOperationException("No font for the PDF: install fonts-dejavu-core.");
        var title = TalentReviewFormats.Title(r, say);
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Language = CultureInfo.CurrentUICulture.Name is { Length: > 0 } language ? language : "en";
        var writer = new Writer(document);

        writer.Line(title, writer.Title);
        writer.Line(TalentReviewFormats.Summary(r, say), writer.Body);
        writer.Gap();
        writer.Line(say.Say("Grid"), writer.Heading);
        writer.Table([say.Say("Position"), say.Say("Incumbent"), say.Say("Term ends"), say.Say("Risk"), say.Say("Ready now"), say.Say("Ready in 1 to 2 years"), say.Say("Ready in 3 or more years")],
            [2.2, 1.8, 1, 0.9, 2.4, 2.4, 2.4],
            TalentReviewFormats.MostAtRiskFirst(r.Grid).Select(row => (string[])[row.Title, row.Incumbent?.DisplayName ?? say.Say("vacant"), TalentReviewFormats.Day(row.TermEndsOn) is { Length: > 0 } end ? end : say.Say("open"),
                say.Say(ReportFormats.RiskWords(row.Risk)), .. TalentReviewFormats.Bands(row).Select(b => TalentReviewFormats.Names(b.Candidates, say))]));
        if (r.Grid.Count == 0) writer.Line(say.Say("The affiliate has no key positions."), writer.Body);

        writer.Gap();
        writer.Line(say.Say($"Decisions from {r.Since.UtcDateTime:yyyy-MM-dd} to {r.AsOf.UtcDateTime:yyyy-MM-dd}"), writer.Heading);
        if (r.Decisions.Count == 0) writer.Line(say.Say("No decisions were recorded in this period."), writer.Body);
        else
            writer.Table([say.Say("When (UTC)"), say.Say("Position"), say.Say("Decision"), say.Say("Leader"), say.Say("Readiness"), say.Say("Details"), say.Say("Recorded by")],
                [1.3, 1.8, 1.5, 1.6, 1.5, 3.2, 1.1],
                r.Decisions.Select(d => (string[])[d.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), d.Position, say.Say(TalentReviewFormats.DecisionWords(d.Decision)),
                    d.DisplayName ?? d.LeaderId?.ToString() ?? "", d.Readiness is null ? "" : say.Say(ReportFormats.ReadinessWords(d.Readiness)), Detail(d, say), d.DecidedByName ?? ""]));
        writer.Finish(title, say);

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>A decision's dates and note in one cell: what the table has no column of its own for.</summary>
    private static string Detail(ReviewDecision d, ISentences say) => string.Join("\n", new[]
    {
        d.On is { } on ? say.Say($"Date: {TalentReviewFormats.Day(on)}.") : null,
        d.TermEndsOn is { } end ? say.Say($"Term ends: {TalentReviewFormats.Day(end)}.") : null,
        d.Note,
    }.Where(s => !string.IsNullOrEmpty(s)));

    /// <summary>Writes lines and tables down the pages, starting a page when the next row does not fit.</summary>
    private sealed class Writer
    {
        private readonly PdfDocument _document;
        private XGraphics? _page;
        private double _y, _width, _bottom;

        public readonly XFont Title = new(PdfFonts.Family, 15, XFontStyleEx.Bold);
        public readonly XFont Heading = new(PdfFonts.Family, 12, XFontStyleEx.Bold);
        public readonly XFont Body = new(PdfFonts.Family, 8.5);
        private readonly XFont _bold = new(PdfFonts.Family, 8.5, XFontStyleEx.Bold);
        private readonly XFont _small = new(PdfFonts.Family, 7.5);

        public Writer(PdfDocument document)
        {
            _document = document;
            NewPage();
        }

        private XGraphics Page => _page!;

        private void NewPage()
        {
            _page?.Dispose();
            var page = _document.AddPage();
            page.Size = PageSize.A4;
            page.Orientation = PageOrientation.Landscape;
            _page = XGraphics.FromPdfPage(page);
            _width = page.Width.Point - 2 * Margin;
            _bottom = page.Height.Point - Margin - 14;
            _y = Margin;
        }

        public void Gap() => _y += 8;

        public void Line(string text, XFont font)
        {
            foreach (var line in Wrap(text, font, _width))
            {
                if (_y + font.Height > _bottom) NewPage();
                Page.DrawString(line, font, XBrushes.Black, new XRect(Margin, _y, _width, font.Height), XStringFormats.TopLeft);
                _y += font.Height * 1.15;
            }
            _y += 3;
        }

        public void Table(string[] headings, double[] weights, IEnumerable<string[]> rows)
        {
            var widths = weights.Select(w => w / weights.Sum() * _width).ToArray();
            var heading = Lines(headings, widths, _bold);
            if (_y + Height(heading, 1, _bold) * 2 > _bottom) NewPage();
            Draw(heading, widths, _bold, shaded: true, 0, Count(heading));
            foreach (var row in rows)
            {
                var lines = Lines(row, widths, Body);
                // A row runs on to the next page, below the headings again, when it does not fit: a long
                // note is never cut off. Rows that fit a page are not split.
                var from = 0;
                var total = Count(lines);
                if (_y + Height(lines, total, Body) > _bottom && Height(lines, total, Body) <= _bottom - Margin - Height(heading, 1, _bold))
                {
                    NewPage();
                    Draw(heading, widths, _bold, shaded: true, 0, Count(heading));
                }
                while (from < total)
                {
                    var fit = (int)Math.Floor((_bottom - _y - 2 * Padding) / LineHeight(Body));
                    if (fit < 1)
                    {
                        NewPage();
                        Draw(heading, widths, _bold, shaded: true, 0, Count(heading));
                        continue;
                    }
                    var take = Math.Min(fit, total - from);
                    Draw(lines, widths, Body, shaded: false, from, take);
                    from += take;
                }
            }
            _y += 6;
        }

        private List<string>[] Lines(string[] cells, double[] widths, XFont font) => cells.Select((c, i) => Wrap(c, font, widths[i] - 2 * Padding)).ToArray();

        private static int Count(List<string>[] lines) => lines.Max(l => Math.Max(1, l.Count));

        private static double LineHeight(XFont font) => font.Height * 1.15;

        private static double Height(List<string>[] lines, int count, XFont font) => Math.Min(count, Count(lines)) * LineHeight(font) + 2 * Padding;

        /// <summary>Draws lines <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> of each cell of a row, as one band of cells.</summary>
        private void Draw(List<string>[] lines, double[] widths, XFont font, bool shaded, int from, int count)
        {
            var height = count * LineHeight(font) + 2 * Padding;
            var x = Margin;
            for (var i = 0; i < lines.Length; i++)
            {
                var cell = new XRect(x, _y, widths[i], height);
                if (shaded) Page.DrawRectangle(XBrushes.Gainsboro, cell);
                Page.DrawRectangle(XPens.Gray, cell);
                var y = _y + Padding;
                foreach (var line in lines[i].Skip(from).Take(count))
                {
                    Page.DrawString(line, font, XBrushes.Black, new XRect(x + Padding, y, widths[i] - 2 * Padding, font.Height), XStringFormats.TopLeft);
                    y += LineHeight(font);
                }
                x += widths[i];
            }
            _y += height;
        }

        /// <summary>Text broken into lines that fit the width: at line breaks, between words, and inside a word longer than a line.</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var tried = line.Length == 0 ? word : line + " " + word;
                    if (Page.MeasureString(tried, font).Width <= width) { line = tried; continue; }
                    if (line.Length > 0) lines.Add(line);
                    line = word;
                    while (line.Length > 1 && Page.MeasureString(line, font).Width > width)
                    {
                        // The longest start that fits, by halving: a pasted note can be one long word.
                        int fits = 1, over = line.Length;
                        while (over - fits > 1)
                        {
                            var middle = (fits + over) / 2;
                            if (Page.MeasureString(line[..middle], font).Width <= width) fits = middle; else over = middle;
                        }
                        lines.Add(line[..fits]);
                        line = line[fits..];
                    }
                }
                if (line.Length > 0 || lines.Count == 0) lines.Add(line);
            }
            return lines;
        }

        /// <summary>Each page's foot: what the document is, and the page of how many.</summary>
        public void Finish(string title, ISentences say)
        {
            _page?.Dispose();
            _page = null;
            var count = _document.PageCount;
            for (var i = 0; i < count; i++)
            {
                var page = _document.Pages[i];
                using var foot = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
                var text = $"{title} · {say.Say(string.Create(CultureInfo.InvariantCulture, $"Page {i + 1} of {count}"))}";
                foot.DrawString(text, _small, XBrushes.DimGray, new XRect(Margin, page.Height.Point - Margin, page.Width.Point - 2 * Margin, 10), XStringFormats.TopLeft);
            }
        }
    }
}
