using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistTrainer;

/// <summary>Turns --device auto|cpu|cuda[:N] into a device, refusing cuda where there is none.</summary>
internal static class DeviceOption
{
    internal static Device Resolve(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "auto")
        {
            return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        }
        var parsed = Parse(text);
        if (parsed.type == DeviceType.CUDA && !cuda.is_available())
        {
            throw new ArgumentException($"--device {text}: this libtorch has no CUDA or no GPU is visible; use --device cpu or auto.");
        }
        if (parsed.type == DeviceType.CUDA && parsed.index >= cuda.device_count())
        {
            throw new ArgumentException($"--device {text}: only {cuda.device_count()} GPU(s) are visible.");
        }
        return parsed;
    }

    /// <summary>
    /// Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Neither TorchSharp's parser (it also takes other device kinds) nor
    /// <c>torch.device</c> (it throws with a long load trace where there is no CUDA) is used.
    /// </summary>
    private static Device Parse(string text) => text.Trim().ToLowerInvariant().Split(':') switch
    {
        ["cpu"] => CPU,
        ["cuda"] => new Device(DeviceType.CUDA, 0),
        ["cuda", var n] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var index) => new Device(DeviceType.CUDA, index),
        _ => throw new ArgumentException($"--device: unknown device '{text}': expected auto, cpu, cuda or cuda:N."),
    };
}
