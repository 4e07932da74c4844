namespace FeedHub.Admin.Commands;

/// <summary>What a command's exit code means; the table in docs/operations.md (Command line) says the same.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A setting is not valid, or the store cannot be readied: "FeedHub cannot start:" and the keys at fault.</summary>
    public const int StartProblem = 1;

    /// <summary>An unknown command or option, or a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>No source has that id, or no file has that name.</summary>
    public const int NotFound = 3;

    /// <summary>The URL or id is taken, the source is declared in a file, or it is paused or retired.</summary>
    public const int Conflict = 4;

    /// <summary>The poll ran and failed; the fetch log says why, and so does the command.</summary>
    public const int PollFailed = 5;

    /// <summary>A bad URL, id, schedule or licence, or a file that is not OPML.</summary>
    public const int Invalid = 6;
}
