using System.Net;
using System.Text.RegularExpressions;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>A person at the pages: a cookie jar, and forms posted with the anti-forgery token the page gave.</summary>
public sealed partial class PageClient(LeaderJourneyAppFactory app)
{
    public HttpClient Http { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"formKey\" value=\"([0-9a-f]+)\"")]
    private static partial Regex FormKey();

    public async Task<string> GetAsync(string path)
    {
        var response = await Http.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Opens <paramref name="page"/>, then posts the form fields (with its anti-forgery token and the key
    /// its forms carry, unless <paramref name="fields"/> names one) to <paramref name="action"/>.
    /// <paramref name="fields"/> is left as it was sent: <see cref="SendAgainAsync"/> sends it again.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string page, string action, Dictionary<string, string> fields)
    {
        var html = await GetAsync(page);
        var token = Token().Match(html);
        token.Success.Should().BeTrue($"{page} carries an anti-forgery token");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        if (FormKey().Match(html) is { Success: true } key) fields.TryAdd("formKey", key.Groups[1].Value);
        return await AnsweredAsync(await Http.PostAsync(action, new FormUrlEncodedContent(fields)));
    }

    /// <summary>As <see cref="PostAsync(string, string, Dictionary{string, string})"/>, for a form that sends a field more than once (ticked boxes).</summary>
    public async Task<HttpResponseMessage> PostFieldsAsync(string page, string action, List<KeyValuePair<string, string>> fields)
    {
        var html = await GetAsync(page);
        var token = Token().Match(html);
        token.Success.Should().BeTrue($"{page} carries an anti-forgery token");
        fields.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        if (FormKey().Match(html) is { Success: true } key) fields.Add(new("formKey", key.Groups[1].Value));
        return await AnsweredAsync(await Http.PostAsync(action, new FormUrlEncodedContent(fields)));
    }

    /// <summary>Sends a form exactly as before, as a second tap on a slow phone (or Back, then the form sent again) does.</summary>
    public async Task<HttpResponseMessage> SendAgainAsync(string action, IEnumerable<KeyValuePair<string, string>> fields) =>
        await AnsweredAsync(await Http.PostAsync(action, new FormUrlEncodedContent(fields)));

    /// <summary>The page a browser shows after a post: the page it redirects to (a preview with its own address, a form's answer), or the post's own answer.</summary>
    public async Task<string> PageAfterAsync(HttpResponseMessage posted) =>
        posted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther ? await GetAsync(posted.Headers.Location!.ToString()) : await posted.Content.ReadAsStringAsync();

    /// <summary>
    /// A form's answer as a browser shows it: a page's post is answered 303 See Other to the page, whose
    /// load shows the answer (Web/Pages/FormAnswers); any other answer (a sign-in's redirect) is as it came.
    /// </summary>
    public async Task<HttpResponseMessage> AnsweredAsync(HttpResponseMessage posted)
    {
        if (posted.StatusCode != HttpStatusCode.SeeOther) return posted;
        var shown = await Http.GetAsync(posted.Headers.Location);
        shown.StatusCode.Should().Be(HttpStatusCode.OK, $"the answer at {posted.Headers.Location} is shown");
        return shown;
    }

    public async Task SignInAsync(string username, string password = ApiUsers.Password)
    {
        var response = await PostAsync("/account/sign-in", "/account/sign-in", new() { ["username"] = username, ["password"] = password });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "a good sign-in redirects");
    }
}
