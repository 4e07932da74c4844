namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>A temporary folder for one test (a content root, say), deleted with everything in it afterwards.</summary>
public sealed class TestDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("feedhub-test-").FullName;

    public string Write(string relativePath, string content)
    {
        var file = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is cleaned up with the rest of the temp folder by the OS.
        }
    }
}
