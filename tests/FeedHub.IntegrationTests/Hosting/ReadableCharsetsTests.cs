using System.Net;
using System.Net.Http.Headers;
using FeedHub.IntegrationTests.Infrastructure;

namespace FeedHub.IntegrationTests.Hosting;

/// <summary>A body in a charset .NET will not read is refused with 415 and a reason, wherever it is sent; it gave 500 from the forms' readers.</summary>
public sealed class ReadableCharsetsTests : IntegrationTest
{
    [Theory]
    [InlineData("/websub", "application/x-www-form-urlencoded; charset=utf-7", "hub.mode=subscribe")]
    [InlineData("/admin/sign-in", "application/x-www-form-urlencoded; charset=UTF-7", "key=x")]
    [InlineData("/admin/sign-in", "application/x-www-form-urlencoded; charset=csUnicode11UTF7", "key=x")]
    [InlineData("/api/sources", "application/json; charset=utf-7", "{\"url\":\"http://127.0.0.1:9/a.xml\"}")]
    public async Task ABodyInUtf7_IsRefusedWith415AndAReason(string path, string contentType, string body)
    {
        var app = StartApp();
        using var client = app.Admin();
        using var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, Token);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("The body's charset is one FeedHub does not read; send it in UTF-8.", await response.Content.ReadAsStringAsync(Token));
    }
}
