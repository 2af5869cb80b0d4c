namespace TrainExplain.Data;

/// <summary>The checked header of an IDX file.</summary>
/// <param name="ElementType">The element type (a one-byte type).</param>
/// <param name="Dimensions">The positive dimensions, outermost first.</param>
/// <param name="Length">The header's length in bytes (magic number and dimensions).</param>
/// <param name="DataLength">The data's length in bytes, at most <see cref="Array.MaxLength"/>.</param>
internal readonly record struct IdxHeader(IdxElementType ElementType, int[] Dimensions, int Length, long DataLength);
