namespace MnistTrainer.Tests.Support;

/// <summary>Debian's Fashion-MNIST (package dataset-fashion-mnist), the data of the end-to-end runs.</summary>
internal static class FashionMnist
{
    /// <summary>Where scripts/setup.sh installs it.</summary>
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Skips the calling test, saying why, when the data is absent.</summary>
    public static void Require()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            Assert.Skip($"{Directory} is absent (scripts/setup.sh installs dataset-fashion-mnist).");
        }
    }
}
