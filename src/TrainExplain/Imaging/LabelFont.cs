using SkiaSharp;

namespace TrainExplain.Imaging;

/// <summary>
/// The typeface of every label, caption and legend: DejaVu Sans (Debian's <c>fonts-dejavu-core</c>), named so pictures
/// look the same on every machine rather than taking whatever typeface Skia's default happens to be. Without it, labels
/// fall back to that default after one warning on <see cref="LibraryWarnings"/>: a missing font should not stop a training run.
/// </summary>
internal static class LabelFont
{
    /// <summary>Where <c>fonts-dejavu-core</c> installs DejaVu Sans.</summary>
    internal const string DejaVuSansPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>DejaVu Sans's family name.</summary>
    internal const string DejaVuSans = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Shared = new(() => Load(DejaVuSansPath, DejaVuSans, LibraryWarnings.Write));

    /// <summary>DejaVu Sans, or Skia's default typeface when it is not installed.</summary>
    internal static SKTypeface Typeface => Shared.Value;

    /// <summary>The typeface in the file at <paramref name="path"/>, else the installed <paramref name="family"/>, else Skia's default after calling <paramref name="warn"/>.</summary>
    internal static SKTypeface Load(string path, string family, Action<string> warn)
    {
        if (File.Exists(path) && SKTypeface.FromFile(path) is { } fromFile)
        {
            return fromFile;
        }
        // Fontconfig substitutes a similar family for a missing one: accept only the family asked for.
        if (SKTypeface.FromFamilyName(family) is { } installed && installed.FamilyName == family)
        {
            return installed;
        }
        warn($"the {family} font was not found at {path} (install the Debian package fonts-dejavu-core); labels are drawn with the default typeface '{SKTypeface.Default.FamilyName}'.");
        return SKTypeface.Default;
    }
}
