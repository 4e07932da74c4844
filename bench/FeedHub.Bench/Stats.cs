using System.Globalization;

namespace FeedHub.Bench;

/// <summary>Repeated measurements of one figure: their median and spread (smallest to largest).</summary>
internal sealed class Sample(string unit)
{
    private readonly List<double> _values = [];

    public string Unit => unit;

    public IReadOnlyList<double> Values => _values;

    public void Add(double value) => _values.Add(value);

    public double Median
    {
        get
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToList();
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public string Describe() => _values.Count == 0
        ? "not measured"
        : $"{Format(Median)} {unit} ({Format(_values.Min())}–{Format(_values.Max())}, n={_values.Count})";

    public static string Format(double value) => value switch
    {
        double.NaN => "–",
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };
}
