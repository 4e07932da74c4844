using Dapper;

namespace FeedHub.Storage;

/// <summary>Dashboard sessions that were signed out, kept until every copy of their cookie has expired.</summary>
internal sealed class SignOutStore(Database database, TimeProvider time)
{
    /// <param name="until">When the last copy of the session's cookie expires; the row goes after that.</param>
    public async Task EndAsync(string session, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_signouts (session, until) VALUES (@session, @until)
            ON CONFLICT (session) DO NOTHING
            """,
            new { session, until },
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_signouts WHERE until < @now", new { now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task<bool> IsEndedAsync(string session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM dashboard_signouts WHERE session = @session", new { session }, cancellationToken: cancellationToken)) > 0;
    }
}
