using System.Diagnostics;
using System.IO.Compression;
using TrainExplain.Imaging;
using TrainExplain.TensorBoard;

namespace TrainExplain.Benchmarks;

/// <summary>
/// Figures of the TensorBoard writer and the PNG encoder: how long <c>AddImage</c> blocks the training loop, how fast
/// the writer moves bytes to disk, and how long a large PNG takes to encode.
/// </summary>
public static class WriterBenchmarks
{
    private const string Suite = "writer";

    /// <summary>Runs every measurement, writing event files under <paramref name="tempDir"/> (which it cleans up).</summary>
    public static IReadOnlyList<BenchmarkRow> Run(string tempDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(tempDir);
        var logDir = Path.Combine(tempDir, $"writer-benchmarks-{Guid.NewGuid():N}");
        try
        {
            return [.. AddImageLatency(logDir, 1), .. AddImageLatency(logDir, 16), WriterThroughput(logDir), RawWriterThroughput(logDir), .. PngEncodeTime(), .. FigureTime()];
        }
        finally
        {
            if (Directory.Exists(logDir))
            {
                Directory.Delete(logDir, recursive: true);
            }
        }
    }

    /// <summary>A grid of <paramref name="tileCount"/> 28x28 heatmap overlays upscaled x4 (112x112 tiles), as an explainer callback logs it.</summary>
    private static Image GridImage(int seed, int tileCount) =>
        ImageGrid.Compose(OverlayTiles(seed, tileCount), columns: 4, padding: tileCount == 1 ? 0 : 2, background: 0);

    /// <summary><paramref name="tileCount"/> 28x28 heatmap overlays upscaled x4 (112x112 tiles).</summary>
    private static Image[] OverlayTiles(int seed, int tileCount)
    {
        var random = new Random(seed);
        var tiles = new Image[tileCount];
        for (var t = 0; t < tiles.Length; t++)
        {
            var input = new float[28 * 28];
            var heat = new float[28 * 28];
            for (var i = 0; i < input.Length; i++)
            {
                var (x, y) = (i % 28, i / 28);
                input[i] = ((x + y + t) % 28) / 27f;
                heat[i] = MathF.Exp(-(((x - 14) * (x - 14)) + ((y - 14) * (y - 14))) / 40f) * (0.8f + (0.2f * random.NextSingle()));
            }

            tiles[t] = Overlay.Blend(Image.FromGray(input, 28, 28), heat, Colormap.Jet, 0.5f).UpscaleNearest(4);
        }

        return tiles;
    }

    /// <summary>What labels, caption and colour bar add to a callback's picture: 16 tiles as a plain grid against the labelled figure, PNG encoding included.</summary>
    private static BenchmarkRow[] FigureTime()
    {
        const int repeats = 21;
        var tiles = OverlayTiles(3, 16);
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        var labels = Enumerable.Range(0, 16).Select(i => new TileLabel(names[i % 10], names[(i * 3) % 10], 0.5f + (i / 40f), null)).ToArray();
        var legend = new ColorLegend(Colormap.Jet, "0", "1", "heat, per image: 0 = its minimum, 1 = its maximum");
        var plain = Measure.Milliseconds(() => Png.Encode(ImageGrid.Compose(tiles, 8, 2, background: 0)), repeats, warmup: 3);
        var figure = Measure.Milliseconds(
            () => Png.Encode(Figure.Compose(LabelledTiles.Draw(tiles, labels), "epoch 3: GradCam (layer: last Conv2d, score: logit, targets: labels)", legend, 8, 2)),
            repeats, warmup: 3);
        const string notes = "16 112x112 overlays, 8 a row; median of 21";
        return
        [
            new(Suite, "plain grid, compose + PNG encode", plain.Median, "ms", notes),
            new(Suite, "labelled figure (labels, caption, colour bar) + PNG encode", figure.Median, "ms", notes),
        ];
    }

    private static BenchmarkRow[] AddImageLatency(string logDir, int tileCount)
    {
        const int calls = 2_000;
        var images = Enumerable.Range(0, 8).Select(seed => GridImage(seed, tileCount)).ToArray();
        var microseconds = new double[calls];
        using (var writer = new TensorBoardWriter(Path.Combine(logDir, $"latency-{tileCount}"), new TensorBoardWriterOptions { QueueCapacity = calls }))
        {
            for (var i = 0; i < 50; i++)
            {
                writer.AddImage("warmup", images[i % images.Length], i);
            }

            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                writer.AddImage("explain/grid", images[i % images.Length], i);
                microseconds[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(microseconds);
        var size = $"{images[0].Width}x{images[0].Height}";
        var notes = $"{size} RGB grid of {tileCount} 28x28->112x112 overlay(s), {calls} calls, PNG encode on the caller, queue {calls}";
        return
        [
            new(Suite, $"AddImage {size} latency median", Percentile(microseconds, 0.5), "us", notes),
            new(Suite, $"AddImage {size} latency p99", Percentile(microseconds, 0.99), "us", notes),
        ];
    }

    private static BenchmarkRow WriterThroughput(string logDir)
    {
        const int calls = 200;
        var random = new Random(1);
        var pixels = new byte[512 * 512 * 3];
        random.NextBytes(pixels); // noise barely compresses, so the PNG is about as large as the pixels
        var image = new Image(512, 512, 3, pixels);
        long bytes;
        TimeSpan elapsed;
        using (var writer = new TensorBoardWriter(Path.Combine(logDir, "throughput")))
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                writer.AddImage("noise", image, i);
            }

            writer.Flush();
            elapsed = Stopwatch.GetElapsedTime(start);
            bytes = new FileInfo(writer.FilePath).Length;
        }

        return new(Suite, "writer throughput", bytes / 1e6 / elapsed.TotalSeconds, "MB/s",
            $"{calls} AddImage of a 512x512 RGB noise image ({bytes / calls / 1024} KiB records, PNG encode included) then Flush; file bytes / elapsed");
    }

    private static BenchmarkRow RawWriterThroughput(string logDir)
    {
        const int calls = 200;
        var text = new string('x', 1 << 20);
        long bytes;
        TimeSpan elapsed;
        using (var writer = new TensorBoardWriter(Path.Combine(logDir, "raw")))
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                writer.AddText("log", text, i);
            }

            writer.Flush();
            elapsed = Stopwatch.GetElapsedTime(start);
            bytes = new FileInfo(writer.FilePath).Length;
        }

        return new(Suite, "writer throughput, no PNG", bytes / 1e6 / elapsed.TotalSeconds, "MB/s",
            $"{calls} AddText of 1 MiB (serialize, CRC-32C, queue, append) then Flush; file bytes / elapsed");
    }

    private static BenchmarkRow[] PngEncodeTime()
    {
        const int repeats = 9;
        var smooth = new byte[1024 * 1024 * 3];
        for (var i = 0; i < smooth.Length; i++)
        {
            var pixel = i / 3;
            smooth[i] = (byte)(((pixel % 1024) / 4) + ((pixel / 1024) / 8) + (i % 3 * 40));
        }

        var image = new Image(1024, 1024, 3, smooth);
        return
        [
            EncodeRow(image, CompressionLevel.Fastest, repeats), EncodeRow(image, CompressionLevel.Optimal, repeats),
        ];
    }

    private static BenchmarkRow EncodeRow(Image image, CompressionLevel level, int repeats)
    {
        var milliseconds = new double[repeats];
        var size = 0;
        for (var i = 0; i < repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            size = Png.Encode(image, level).Length;
            milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(milliseconds);
        return new(Suite, $"PNG encode 1024x1024 RGB ({level})", Percentile(milliseconds, 0.5), "ms",
            $"median of {repeats}, gradient image, {size / 1024} KiB output");
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
