namespace TrainExplain.Torch;

/// <summary>Where a tensor lives: <c>cpu</c> or <c>cuda:n</c>.</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">The device number (0 for the CPU).</param>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The host processor.</summary>
    public static Device CPU { get; } = new(DeviceType.CPU);

    /// <summary>The first GPU.</summary>
    public static Device CUDA { get; } = new(DeviceType.CUDA);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    /// <exception cref="ArgumentException">The text names no such device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["cpu"] => CPU,
            ["cuda"] => CUDA,
            ["cuda", var n] when int.TryParse(n, out var index) && index >= 0 => new Device(DeviceType.CUDA, index),
            _ => throw new ArgumentException($"Unknown device '{text}': expected 'cpu', 'cuda' or 'cuda:N'.", nameof(text)),
        };
    }

    /// <summary>The PyTorch spelling: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public override string ToString() => Type == DeviceType.CPU ? "cpu" : $"cuda:{Index}";
}
