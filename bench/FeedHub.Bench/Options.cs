namespace FeedHub.Bench;

/// <summary>The few <c>--name value</c> and <c>--flag</c> options the roles take.</summary>
internal sealed class Options(string[] args)
{
    public string? Get(string name)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Has(string name) => args.Contains("--" + name);
}
