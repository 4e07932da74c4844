using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// A logger provider that keeps every record FeedHub writes, with its structured properties and
/// those of the scopes around it. Register it through <see cref="FeedHubApp"/>'s services callback.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static Dictionary<string, object?> Properties(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)
            : [];

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<Dictionary<string, object?>>();
            capture._scopes.ForEachScope((scope, list) => list.Add(Properties(scope)), scopes);
            capture.Records.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), Properties(state), scopes));
        }
    }
}

/// <param name="Properties">The record's own structured properties (its message template's placeholders).</param>
/// <param name="Scopes">The structured properties of each scope the record was written in, outermost first.</param>
public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    string Message,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Scopes)
{
    /// <summary>A property of the record, else of the innermost scope that has it.</summary>
    public object? ScopeValue(string name) =>
        Scopes.Reverse().FirstOrDefault(s => s.ContainsKey(name)) is { } scope ? scope[name] : null;
}
