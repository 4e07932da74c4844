namespace FeedHub.Testing;

/// <summary>
/// Where the tests find the repository and the shared corpus (<c>../shared/corpus</c>, beside the
/// repository, read in place and never copied in). A test that needs the corpus skips, saying where
/// it looked, when it is absent.
/// </summary>
internal static class TestCorpus
{
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedHub.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FeedHub.sln not found above the test binaries.");
    }

    /// <summary>A folder of the shared corpus, or a skip that says where it was looked for.</summary>
    public static string Folder(string name)
    {
        var folder = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "corpus", name));
        if (!Directory.Exists(folder))
        {
            var message = $"The shared corpus is not at {folder}; corpus tests need it beside the repository.";

            // CI sets this: there the corpus must be present, and its absence is a failure, not a skip.
            if (Environment.GetEnvironmentVariable("FEEDHUB_REQUIRE_CORPUS") == "1")
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        return folder;
    }
}
