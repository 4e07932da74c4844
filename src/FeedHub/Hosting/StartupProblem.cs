using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>A configuration FeedHub cannot start with; the message names the key and says why.</summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Turns a refused start into lines an operator can act on: one per problem, each naming its key.</summary>
public static partial class StartupProblem
{
    public static IReadOnlyList<string> Describe(Exception error) => error switch
    {
        OptionsValidationException options => options.Failures
            .Select(failure => Keyed(options.OptionsType, failure))
            .Distinct(StringComparer.Ordinal)
            .ToList(),
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Describe).Distinct(StringComparer.Ordinal).ToList(),
        StartupProblemException problem => [problem.Message],
        InvalidOperationException binding when BindingFailure().Match(binding.Message) is { Success: true } match =>
            [$"{match.Groups["key"].Value}: '{match.Groups["value"].Value}' is not {Expected(match.Groups["type"].Value)}."],
        InvalidDataException file when file.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal) =>
            [$"{file.Message.Replace("Failed to load configuration from file", "Cannot read", StringComparison.Ordinal).TrimEnd('.')}: {file.InnerException?.Message}"],
        _ => [],
    };

    /// <summary>What a setting of a type takes, in an operator's words.</summary>
    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration such as 00:00:30 (30 seconds) or 1.00:00:00 (a day)",
        "System.Uri" => "a URL",
        _ => $"a value of type {type[(type.LastIndexOf('.') + 1)..]}",
    };

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.$")]
    private static partial Regex BindingFailure();

    /// <summary>"DataAnnotation validation failed for 'PollingOptions' members: 'MaxConcurrency' with the error: '…'" becomes "FeedHub:Polling:MaxConcurrency: …".</summary>
    private static string Keyed(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var section = optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        return $"{(section is null ? string.Empty : section + ":")}{match.Groups["member"].Value}: {match.Groups["error"].Value}";
    }

    [GeneratedRegex(@"members: '(?<member>[^']+)' with the error: '(?<error>.*)'\.?$")]
    private static partial Regex DataAnnotationFailure();
}
