using System.Text.RegularExpressions;
using TrainExplain.Explainers;

namespace TrainExplain.Tests;

/// <summary>
/// Issue 21: docs/API.md lists every public type of the library, one line each, and the library has no public type
/// that the list does not name; a type made public or internal shows here until the list says so.
/// </summary>
public sealed partial class PublicApiTests
{
    [Fact]
    public void The_public_types_are_exactly_those_docs_API_md_lists()
    {
        var exported = typeof(Explainer).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet();
        var listed = ListedTypes();

        Assert.Empty(exported.Except(listed).Order());
        Assert.Empty(listed.Except(exported).Order());
    }

    [Fact]
    public void The_list_names_each_type_once()
    {
        var names = ListItem().Matches(ApiDocument()).Select(m => m.Groups["name"].Value).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
    }

    private static HashSet<string> ListedTypes() => [.. ListItem().Matches(ApiDocument()).Select(m => m.Groups["name"].Value)];

    private static string ApiDocument()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", "API.md");
            if (File.Exists(path) && File.Exists(Path.Combine(folder.FullName, "TrainExplain.sln")))
            {
                return File.ReadAllText(path);
            }
        }
        throw new FileNotFoundException($"docs/API.md not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>A list item that starts with a type's name in backticks: "- `Name`: what it is".</summary>
    [GeneratedRegex(@"^- `(?<name>[A-Za-z][A-Za-z0-9]*)`", RegexOptions.Multiline)]
    private static partial Regex ListItem();
}
