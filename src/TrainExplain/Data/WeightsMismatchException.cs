namespace TrainExplain.Data;

/// <summary>A weights file that reads well but does not fit the model: a missing, unexpected or differently shaped tensor.</summary>
/// <remarks>An <see cref="IOException"/> like <see cref="InvalidDataException"/>, which is sealed.</remarks>
public sealed class WeightsMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WeightsMismatchException(string path, string? parameter, string problem)
        : base($"{path}: {problem}") => (Path, Parameter) = (path, parameter);

    /// <summary>The weights file.</summary>
    public string Path { get; }

    /// <summary>The first parameter or buffer that does not fit, when one does not.</summary>
    public string? Parameter { get; }
}
