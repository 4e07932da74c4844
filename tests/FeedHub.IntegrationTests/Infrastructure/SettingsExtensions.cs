namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>Configuration given in memory, as the tests build it up.</summary>
public static class SettingsExtensions
{
    /// <summary>Adds <paramref name="more"/> to <paramref name="settings"/>, whose own values it overrides; returns <paramref name="settings"/>.</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<KeyValuePair<string, string?>>? more)
    {
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }
}
