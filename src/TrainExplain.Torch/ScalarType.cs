namespace TrainExplain.Torch;

/// <summary>Element types; the values are ATen's <c>c10::ScalarType</c> codes, passed to the shim unchanged.</summary>
public enum ScalarType
{
    /// <summary>uint8.</summary>
    Byte = 0,
    /// <summary>int32.</summary>
    Int32 = 3,
    /// <summary>int64, the type of class indices.</summary>
    Int64 = 4,
    /// <summary>float16.</summary>
    Float16 = 5,
    /// <summary>float32, the default.</summary>
    Float32 = 6,
    /// <summary>float64.</summary>
    Float64 = 7,
    /// <summary>bool.</summary>
    Bool = 11,
    /// <summary>bfloat16.</summary>
    BFloat16 = 15,
}
