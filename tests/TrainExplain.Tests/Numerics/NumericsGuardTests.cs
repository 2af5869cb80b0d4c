using TrainExplain.Explainers;
using TrainExplain.Numerics;
using TrainExplain.Tests.Explainers;

namespace TrainExplain.Tests.Numerics;

/// <summary>
/// The numerics guard on any machine: it runs once, says what it found, its remedy keeps gradients right when forced on
/// a machine that does not need it, and its switches restore what they change.
/// </summary>
public sealed class NumericsGuardTests
{
    [Fact]
    public void TheGuardRunsOncePerProcessHoweverManyPassesFollow()
    {
        var first = NumericsGuard.EnsureChecked();
        using (var scope = torch.NewDisposeScope())
        {
            using var model = ExplainerModels.NestedConvNet();
            using var explanation = new VanillaGradients(model).Explain(torch.rand([2, 1, 8, 8]), Targets.Predicted);
        }
        Assert.Same(first, NumericsGuard.EnsureChecked(torch.CPU));
        Assert.Same(first, NumericsGuard.Report);
        Assert.Equal(NumericsGuard.Mode == OneDnnMode.Auto ? 1 : 0, NumericsGuard.ChecksRun);
    }

    [Fact]
    public void TheReportSaysWhatWasCheckedFoundAndChanged()
    {
        var report = NumericsGuard.EnsureChecked();
        Assert.SkipWhen(report.Mode != OneDnnMode.Auto, $"{NumericsGuard.EnvironmentVariable} chose {report.Mode}: nothing was checked");
        Assert.Contains(report.ShapesChecked, (int[])[24, 48, 72, 96]);
        Assert.True(report.OneDnnWrong || report.ShapesChecked == 96, "a right check runs every round");
        Assert.Equal(0, report.ShapesWrongAfterRemedy);
        Assert.Equal(report.OneDnnWrong, report.Remedy != NumericsRemedy.None);
        Assert.Equal(report.OneDnnWrong, report.LargestError > NumericsGuard.Tolerance);
        Assert.Contains($"{report.ShapesChecked} shapes", report.Summary, StringComparison.Ordinal);
        Assert.Contains(report.OneDnnWrong ? "oneDNN is off" : "right in float32 against float64", report.Summary, StringComparison.Ordinal);
        Assert.Equal(report.Remedy != NumericsRemedy.OneDnnOffForProcess, LibTorchContext.OneDnnEnabled);
    }

    [Fact]
    public void TheForcedRemedyKeepsEveryCheckedGradientRight()
    {
        NumericsGuard.EnsureChecked();
        using (NumericsGuard.WithoutOneDnn())
        {
            Assert.False(LibTorchContext.OneDnnEnabled);
            var (shapes, wrong, largest) = ConvolutionGradientCheck.Run(() => NumericsGuard.WithoutOneDnn(), NumericsGuard.Tolerance);
            Assert.Equal(96, shapes);
            Assert.Equal(0, wrong);
            Assert.InRange(largest, 0, 1e-6);
        }
    }

    [Fact]
    public void WithoutOneDnnRegionsNestAndTheLastOneOutRestoresTheSwitch()
    {
        var before = LibTorchContext.OneDnnEnabled;
        var outer = NumericsGuard.WithoutOneDnn();
        var inner = NumericsGuard.WithoutOneDnn();
        Assert.False(LibTorchContext.OneDnnEnabled);
        outer.Dispose();
        Assert.False(LibTorchContext.OneDnnEnabled);
        outer.Dispose();
        Assert.False(LibTorchContext.OneDnnEnabled);
        inner.Dispose();
        Assert.Equal(before, LibTorchContext.OneDnnEnabled);
    }

    [Fact]
    public void NnpackIsOffWhereItCannotInitialize()
    {
        var report = NumericsGuard.EnsureChecked();
        var initializes = LibTorchContext.NnpackInitializes();
        Assert.Equal(!initializes, report.NnpackDisabled);
        if (!initializes)
        {
            Assert.False(LibTorchContext.NnpackEnabled);
        }
    }

    [Theory]
    [InlineData(null, OneDnnMode.Auto)]
    [InlineData("", OneDnnMode.Auto)]
    [InlineData("auto", OneDnnMode.Auto)]
    [InlineData(" OFF ", OneDnnMode.Off)]
    [InlineData("on", OneDnnMode.On)]
    public void TheEnvironmentVariableNamesTheMode(string? value, OneDnnMode mode) => Assert.Equal(mode, NumericsGuard.ParseMode(value));

    [Fact]
    public void ABadEnvironmentValueIsNamedWithTheValuesExpected()
    {
        var error = Assert.Throws<ArgumentException>(() => NumericsGuard.ParseMode("false"));
        Assert.Equal("TRAINEXPLAIN_ONEDNN='false' is not a oneDNN mode; expected auto, off or on.", error.Message);
    }

    [Fact]
    public void ConfigureAfterTheGuardRanIsRefusedWithWhatItDid()
    {
        var report = NumericsGuard.EnsureChecked();
        var error = Assert.Throws<InvalidOperationException>(() => NumericsGuard.Configure(OneDnnMode.On));
        Assert.Contains(report.Summary, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => NumericsGuard.Configure((OneDnnMode)7));
    }
}
