using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace LeaderJourney.Web.Pages;

/// <summary>
/// A CSV a person downloads from a page, to open in a spreadsheet: UTF-8 with its byte-order mark, without
/// which Excel on Windows reads the file in the machine's older code page and garbles every accent
/// ("Educación", a leader's name). The API's CSV, read by programs, has no mark.
/// </summary>
public static class CsvDownload
{
    public static FileContentResult Of(string csv, string fileName) =>
        new([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv; charset=utf-8") { FileDownloadName = fileName };
}
