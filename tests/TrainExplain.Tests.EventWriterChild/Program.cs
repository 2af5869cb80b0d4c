using TrainExplain.Imaging;
using TrainExplain.TensorBoard;

// Usage: TrainExplain.Tests.EventWriterChild <log dir>
// Logs the scalar "count" at steps 0, 1, 2, ... and a noisy 64x64 image every 10 steps, flushes every 100 steps and
// then prints how many scalars are flushed, until the test kills the process.
if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: TrainExplain.Tests.EventWriterChild <log dir>");
    return 2;
}

var random = new Random(7);
using var writer = new TensorBoardWriter(args[0], new TensorBoardWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
for (long step = 0; ; step++)
{
    writer.AddScalar("count", step, step);
    if (step % 10 == 0)
    {
        var pixels = new byte[64 * 64 * 3];
        random.NextBytes(pixels);
        writer.AddImage("noise", new Image(64, 64, 3, pixels), step);
    }

    if (step % 100 == 99)
    {
        writer.Flush();
        Console.WriteLine(step + 1);
    }
}
