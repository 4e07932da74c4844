using System.Globalization;
using Microsoft.Extensions.Options;

namespace FeedHub;

internal static class Settings
{
    /// <summary>
    /// Options of type <typeparamref name="T"/> bound from <paramref name="section"/> and checked at
    /// start, by their annotations, by <see cref="BareNumberDurations{T}"/> and by each rule added to
    /// the returned builder: a bad setting stops FeedHub before it serves anything, with a message
    /// that names the key.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IHostApplicationBuilder builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new BareNumberDurations<T>(builder.Configuration, section));
        return builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>
    /// Refuses a duration written as a bare number: .NET reads "30" as thirty days, where whoever
    /// wrote <c>Timeout=30</c> almost surely meant seconds. A duration must say its unit by its form
    /// (00:00:30, 00:30:00, 30.00:00:00); <c>0</c> means the same in every unit and is taken.
    /// </summary>
    private sealed class BareNumberDurations<T>(IConfiguration configuration, string section) : IValidateOptions<T>
        where T : class
    {
        private static readonly string[] Durations = typeof(T).GetProperties()
            .Where(p => p.PropertyType == typeof(TimeSpan) || p.PropertyType == typeof(TimeSpan?))
            .Select(p => p.Name)
            .ToArray();

        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = Durations
                .Select(property => (Key: $"{section}:{property}", Number: int.TryParse(configuration[$"{section}:{property}"], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0))
                .Where(setting => setting.Number != 0)
                .Select(setting => $"{setting.Key}: '{setting.Number}' would be read as {setting.Number} days; write {TimeSpan.FromSeconds(setting.Number):c} "
                    + $"for {setting.Number} seconds, {TimeSpan.FromMinutes(setting.Number):c} for minutes or {TimeSpan.FromDays(setting.Number):c} for days.")
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
