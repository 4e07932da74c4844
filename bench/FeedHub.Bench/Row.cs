using System.Globalization;

namespace FeedHub.Bench;

/// <summary>One line of RESULTS.md: a figure, its baseline from the same run, their ratio and the target.</summary>
internal sealed record Row(string Id, string What, Sample FeedHub, Sample? Baseline, double? Ratio, string Target, bool? Met, string Load)
{
    /// <summary>Higher is better: FeedHub's median must reach <paramref name="factor"/> times the baseline's.</summary>
    public static Row AtLeast(string id, string what, Sample feedhub, Sample baseline, double factor, string load)
    {
        var ratio = feedhub.Median / baseline.Median;
        return new Row(id, what, feedhub, baseline, ratio, $"≥ {factor.ToString(CultureInfo.InvariantCulture)}×", double.IsNaN(ratio) ? null : ratio >= factor, load);
    }

    /// <summary>Lower is better: FeedHub's median must stay within <paramref name="factor"/> times the baseline's.</summary>
    public static Row AtMost(string id, string what, Sample feedhub, Sample baseline, double factor, string load)
    {
        var ratio = feedhub.Median / baseline.Median;
        return new Row(id, what, feedhub, baseline, ratio, $"≤ {factor.ToString(CultureInfo.InvariantCulture)}×", double.IsNaN(ratio) ? null : ratio <= factor, load);
    }

    /// <summary>Reported with its ratio, without a target.</summary>
    public static Row Report(string id, string what, Sample feedhub, Sample baseline, string load) =>
        new(id, what, feedhub, baseline, feedhub.Median / baseline.Median, "reported", null, load);

    public string Markdown() =>
        $"| {Id} | {What} | {FeedHub.Describe()} | {Baseline?.Describe() ?? "–"} | {(Ratio is { } r && !double.IsNaN(r) ? Sample.Format(r) + "×" : "–")} | {Target} | {Met switch { true => "yes", false => "**no**", null => "–" }} |";

    public string Line() => $"{Id} {What}: {FeedHub.Describe()} vs {Baseline?.Describe() ?? "–"}; ratio {(Ratio is { } r ? Sample.Format(r) : "–")}, target {Target}, met {Met?.ToString() ?? "–"}";
}
