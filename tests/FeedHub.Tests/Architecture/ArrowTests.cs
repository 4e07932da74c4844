using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace FeedHub.Tests.Architecture;

/// <summary>
/// The pipeline's arrows (docs/architecture.md), checked on the compiled assembly: a folder may use
/// only the folders it names here, and the root namespace (options, the product's name, the wake-up
/// primitive) uses none.
/// </summary>
public sealed class ArrowTests
{
    private static readonly System.Reflection.Assembly FeedHubAssembly = typeof(FeedHubOptions).Assembly;

    private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader().LoadAssemblies(FeedHubAssembly).Build();

    /// <summary>
    /// Each folder, and the folders it may use. Model (the shared vocabulary), Markup (the one
    /// sanitizer) and Network (the address guard) are leaves that the stages share; the stages run
    /// Sources → Polling → Storage → Articles/Publishing, and Admin and Hosting sit above them all.
    /// </summary>
    public static TheoryData<string, string[]> Arrows => new()
    {
        { "Model", [] },
        { "Markup", ["Model"] },
        { "Network", ["Model"] },
        { "Parsing", ["Model", "Markup"] },
        { "Storage", ["Model"] },
        { "Sources", ["Model"] },
        { "Polling", ["Model", "Network", "Sources", "Parsing", "Storage"] },
        { "Articles", ["Model", "Markup", "Storage"] },
        { "Publishing", ["Model", "Markup", "Network", "Articles", "Storage"] },
        { "Admin", ["Model", "Markup", "Network", "Sources", "Parsing", "Polling", "Storage", "Articles", "Publishing"] },
    };

    private static readonly string[] Folders = ["Model", "Markup", "Network", "Parsing", "Storage", "Sources", "Polling", "Articles", "Publishing", "Admin", "Hosting"];

    [Theory]
    [MemberData(nameof(Arrows))]
    public void AFolder_UsesOnlyTheFoldersUpstreamOfIt(string folder, string[] mayUse)
    {
        var forbidden = Folders.Except(mayUse).Except([folder]).ToArray();

        Types().That().ResideInNamespaceMatching(InFolder(folder))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(InAnyFolder(forbidden)))
            .Because($"{folder} may use only {(mayUse.Length == 0 ? "the root namespace" : string.Join(", ", mayUse))}")
            .Check(Code);
    }

    [Fact]
    public void TheRootNamespace_UsesNoFolder()
    {
        Types().That().ResideInNamespaceMatching(@"^FeedHub$")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(InAnyFolder(Folders)))
            .Check(Code);
    }

    [Fact]
    public void EveryFolder_IsKnownToTheseRules()
    {
        var namespaces = Code.Namespaces.Select(n => n.FullName).Where(n => n.StartsWith("FeedHub.", StringComparison.Ordinal));

        Assert.All(namespaces, n => Assert.Contains(n.Split('.')[1], Folders));
    }

    /// <summary>The rules above are about namespaces; this makes them about folders too.</summary>
    [Fact]
    public void EveryFile_DeclaresTheNamespaceOfItsFolder()
    {
        var src = Path.GetFullPath(Path.Combine(ThisFile(), "..", "..", "..", "..", "src", "FeedHub"));
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);

        Assert.All(files, file =>
        {
            var folder = Path.GetRelativePath(src, Path.GetDirectoryName(file)!);
            var expected = folder == "." ? "FeedHub" : "FeedHub." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));

            // Program.cs's top-level statements have no namespace.
            if (declared is not null)
            {
                Assert.Equal($"namespace {expected};", declared);
            }
        });
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string InFolder(string folder) => $@"^FeedHub\.{folder}(\..+)?$";

    private static string InAnyFolder(IEnumerable<string> folders) => $@"^FeedHub\.({string.Join('|', folders)})(\..+)?$";
}
