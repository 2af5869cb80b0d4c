namespace TrainExplain.Data;

/// <summary>A stack of gray images read from a three-dimensional unsigned-byte IDX file.</summary>
/// <param name="Pixels">Pixels 0..255, image after image, each row-major (<c>Count * Rows * Columns</c> bytes).</param>
/// <param name="Count">The number of images.</param>
/// <param name="Rows">The height of every image.</param>
/// <param name="Columns">The width of every image.</param>
internal readonly record struct IdxImages(byte[] Pixels, int Count, int Rows, int Columns);
