namespace MnistTrainer;

/// <summary>Where the MNIST-format files are: --data, else $MNIST_DIR, else ./data/mnist, else Debian's Fashion-MNIST.</summary>
internal static class DataDirectory
{
    internal const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    internal static string Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("MNIST_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        var local = Path.Combine("data", "mnist");
        if (Directory.Exists(local))
        {
            return local;
        }
        if (Directory.Exists(DebianFashionMnist))
        {
            return DebianFashionMnist;
        }
        throw new DirectoryNotFoundException(
            $"No MNIST-format data: pass --data DIR, set MNIST_DIR, create ./data/mnist, or run scripts/setup.sh (installs {DebianFashionMnist}).");
    }
}
