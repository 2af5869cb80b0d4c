namespace TrainExplain.Torch;

/// <summary>Kinds of device; the values are ATen's <c>c10::DeviceType</c> codes.</summary>
public enum DeviceType
{
    /// <summary>The host processor.</summary>
    CPU = 0,
    /// <summary>An NVIDIA GPU.</summary>
    CUDA = 1,
}
