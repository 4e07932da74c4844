using System.Text.Json;

namespace FeedHub.Admin.Commands;

/// <summary>Where a command writes, and how it gets the FeedHub services it works with.</summary>
/// <param name="StartHost">Validates the settings, readies the store, and hands back FeedHub's services, never started.</param>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error, bool ErrorIsTerminal, Func<CancellationToken, Task<WebApplication>> StartHost)
{
    /// <summary>Runs a command against FeedHub's services, and releases them after.</summary>
    public async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> command, CancellationToken cancellationToken)
    {
        await using var host = await StartHost(cancellationToken);
        return await command(host.Services);
    }

    /// <summary>Says why the catalog refused, on standard error, and gives the exit code that means it.</summary>
    public async Task<int> RefusedAsync(CatalogRefusal refusal)
    {
        if (refusal.Errors is { Count: > 0 } errors)
        {
            await Error.WriteLineAsync($"error: {refusal.Title}:");
            foreach (var (field, messages) in errors)
            {
                await Error.WriteLineAsync($"  {field}: {string.Join(" ", messages)}");
            }
        }
        else
        {
            await Error.WriteLineAsync($"error: {refusal.Title}: {refusal.Detail}");
        }

        return refusal.Kind switch
        {
            RefusalKind.NotFound => ExitCodes.NotFound,
            RefusalKind.Conflict => ExitCodes.Conflict,
            _ => ExitCodes.Invalid,
        };
    }

    /// <summary>Writes a value as the admin API would answer it (camelCase, enums as names, UTC times), indented.</summary>
    public async Task WriteJsonAsync<T>(T value) =>
        await Out.WriteLineAsync(JsonSerializer.Serialize(value, AdminJson.Indented));
}
