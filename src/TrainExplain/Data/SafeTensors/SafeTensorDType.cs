namespace TrainExplain.Data.SafeTensors;

/// <summary>
/// Element types of a safetensors tensor; each name is the <c>dtype</c> string of the header
/// (https://github.com/huggingface/safetensors, "Format"). Only the types the binding has are mapped;
/// the other safetensors types (I8, I16, U16, U32, U64, F8_*) are refused on read.
/// </summary>
internal enum SafeTensorDType
{
    /// <summary>IEEE float32, 4 bytes (<c>torch.float32</c>).</summary>
    F32,
    /// <summary>IEEE float64, 8 bytes (<c>torch.float64</c>).</summary>
    F64,
    /// <summary>IEEE float16, 2 bytes (<c>torch.float16</c>).</summary>
    F16,
    /// <summary>bfloat16, 2 bytes (<c>torch.bfloat16</c>).</summary>
    BF16,
    /// <summary>Signed 64-bit integer, 8 bytes (<c>torch.int64</c>).</summary>
    I64,
    /// <summary>Signed 32-bit integer, 4 bytes (<c>torch.int32</c>).</summary>
    I32,
    /// <summary>Unsigned 8-bit integer, 1 byte (<c>torch.uint8</c>).</summary>
    U8,
    /// <summary>Boolean stored as one byte, 0 or 1 (<c>torch.bool</c>).</summary>
    BOOL,
}
