namespace FeedHub.Benchmarks;

internal static class Corpus
{
    /// <summary>../shared/corpus/real beside the repository, found from wherever the benchmark runs.</summary>
    public static string Real()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "..", "shared", "corpus", "real");
            if (File.Exists(Path.Combine(directory.FullName, "FeedHub.sln")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException("The benchmarks need ../shared/corpus/real beside the repository.");
    }
}
