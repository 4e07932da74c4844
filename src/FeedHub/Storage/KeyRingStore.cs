using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FeedHub.Storage;

/// <summary>
/// The data-protection key ring in the store. The framework's repository is synchronous; it is read
/// when the key ring is loaded or refreshed (at start, then about once a day) and written when a key
/// is made (every 90 days), never once per request, so blocking on the store there costs nothing.
/// The key ring is configured as the request pipeline is built, before start-up checks the storage
/// settings, so the database is found at first use: a bad setting is then reported as start-up reports it.
/// </summary>
internal sealed class KeyRingStore(IServiceProvider services) : IXmlRepository
{
    private Database Database => services.GetRequiredService<Database>();

    public IReadOnlyCollection<XElement> GetAllElements() => ReadAsync().GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => WriteAsync(element, friendlyName).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAsync()
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        var keys = await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys ORDER BY name");
        return [.. keys.Select(xml => XElement.Parse(xml))];
    }

    private async Task WriteAsync(XElement element, string name)
    {
        await using var writing = await Database.EnterWriteAsync(CancellationToken.None);
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING",
            new { name, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
