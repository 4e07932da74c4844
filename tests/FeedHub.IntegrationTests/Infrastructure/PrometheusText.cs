using System.Globalization;
using System.Text;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4; OpenMetrics' <c># EOF</c> and
/// <c># UNIT</c> are accepted too): <c># HELP</c> and <c># TYPE</c> lines, and samples
/// <c>name{label="value",...} value [timestamp]</c>. A line it cannot read fails the test.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types, IReadOnlyDictionary<string, string> help)
    {
        Samples = samples;
        Types = types;
        Help = help;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name → counter, gauge, histogram, summary, untyped.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                switch (parts)
                {
                    case ["#", "TYPE", var name, var type]:
                        Assert.True(types.TryAdd(name, type), $"line {number}: a second TYPE for {name}");
                        Assert.Contains(type, (string[])["counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset", "gaugehistogram"]);
                        break;
                    case ["#", "HELP", var name, var description]:
                        help[name] = description;
                        break;
                    case ["#", "EOF"] or ["#", "UNIT", ..]:
                        break;
                    default:
                        Assert.Fail($"line {number}: an unknown comment: {line}");
                        break;
                }

                continue;
            }

            samples.Add(Sample(line, number));
        }

        return new PrometheusText(samples, types, help);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include every one given.</summary>
    public IReadOnlyList<PrometheusSample> Find(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels; fails if there is none or several.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Find(name, labels);
        Assert.True(found.Count == 1, $"expected one {name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}, found {found.Count}");
        return found[0].Value;
    }

    private static PrometheusSample Sample(string line, int number)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        Assert.True(name.Length > 0 && !char.IsAsciiDigit(name[0]), $"line {number}: no metric name: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals];
                Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", label);
                Assert.True(line[equals + 1] == '"', $"line {number}: label {label} is not quoted");
                var value = new StringBuilder();
                for (i = equals + 2; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"line {number}: bad escape") });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }

                Assert.True(labels.TryAdd(label, value.ToString()), $"line {number}: label {label} twice");
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        Assert.True(rest.Length is 1 or 2, $"line {number}: expected a value and an optional timestamp: {line}");
        var parsed = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, parsed);
    }
}

public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
