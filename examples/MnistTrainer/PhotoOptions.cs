using System.Globalization;
using TrainExplain.Imaging;

namespace MnistTrainer;

/// <summary>
/// <c>--resize</c>, <c>--crop</c>, <c>--mean</c> and <c>--std</c>: how <c>--images</c> photos become the model's input.
/// Defaults follow the model's input shape [C, H, W]: a 3-channel model gets torchvision's ImageNet preprocessing
/// (resize to H * 256 / 224, 256 for 224, center crop H, ImageNet's mean and std), a 1-channel model today's behaviour
/// (no resize or crop, values in [0, 1]).
/// </summary>
internal sealed record PhotoOptions(int? Resize = null, int? Crop = null, string? Mean = null, string? Std = null)
{
    /// <summary>The preprocessing for a model taking <paramref name="modelShape"/> [C, H, W], the flags over its defaults.</summary>
    /// <exception cref="ArgumentException">A flag's value is not valid; the message names the flag.</exception>
    internal ImagePreprocessing Preprocessing(long[] modelShape)
    {
        var (channels, height) = ((int)modelShape[0], (int)modelShape[1]);
        var color = channels == 3;
        if (Resize is < 1)
        {
            throw new ArgumentException($"--resize must be at least 1 pixel (the shorter side's length), got {Resize}.");
        }
        if (Crop is < 1)
        {
            throw new ArgumentException($"--crop must be at least 1 pixel (the center square's side), got {Crop}.");
        }
        var resize = Resize ?? (color ? (int)Math.Round(height * 256.0 / 224.0) : null);
        var crop = Crop ?? (color ? height : null);
        var mean = Parse("--mean", Mean, channels, positive: false) ?? (color ? ImagePreprocessing.ImageNet.Mean : null);
        var std = Parse("--std", Std, channels, positive: true) ?? (color ? ImagePreprocessing.ImageNet.Std : null);
        return new ImagePreprocessing(channels, resize, crop, mean, std);
    }

    /// <summary>Comma-separated numbers, one per channel; null when the flag is not given.</summary>
    private static float[]? Parse(string flag, string? text, int channels, bool positive)
    {
        if (text is null)
        {
            return null;
        }
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]) || (positive && values[i] <= 0f))
            {
                throw new ArgumentException($"{flag} takes {channels} comma-separated {(positive ? "positive " : "")}numbers, one per channel of the model's input; '{parts[i]}' in '{text}' is not one.");
            }
        }
        if (values.Length != channels)
        {
            throw new ArgumentException($"{flag} takes {channels} comma-separated numbers, one per channel of the model's input; got {values.Length} in '{text}'.");
        }
        return values;
    }
}
