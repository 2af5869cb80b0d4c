namespace TrainExplain.Imaging;

/// <summary>
/// A colormap: 256 RGB colors for heat values in [0, 1]. A value v picks entry min(floor(256 v), 255), as
/// matplotlib's 256-entry colormaps do, so a heatmap renders with the same colors as <c>matplotlib.cm</c>.
/// </summary>
public sealed class Colormap
{
    private const int Entries = 256;

    private readonly byte[] rgb;

    private Colormap(string name, byte[] rgb)
    {
        Name = name;
        this.rgb = rgb;
    }

    /// <summary>
    /// matplotlib's viridis (perceptually uniform, blue to yellow), by Nathaniel J. Smith, Stefan van der Walt and
    /// Eric Firing (CC0); the 256 entries of matplotlib 3.6.3 <c>_cm_listed._viridis_data</c> times 255, rounded.
    /// </summary>
    public static Colormap Viridis { get; } = new("viridis", Convert.FromHexString(
        "44015444025645045745055946075A46085C460A5D460B5E470D60470E61471063471164471365481467481668481769" +
        "48186A481A6C481B6D481C6E481D6F481F70482071482173482374482475482576482677482878482979472A7A472C7A" +
        "472D7B472E7C472F7D46307E46327E46337F463480453581453781453882443983443A83443B84433D84433E85423F85" +
        "4240864241864142874144874045884046883F47883F48893E49893E4A893E4C8A3D4D8A3D4E8A3C4F8A3C508B3B518B" +
        "3B528B3A538B3A548C39558C39568C38588C38598C375A8C375B8D365C8D365D8D355E8D355F8D34608D34618D33628D" +
        "33638D32648E32658E31668E31678E31688E30698E306A8E2F6B8E2F6C8E2E6D8E2E6E8E2E6F8E2D708E2D718E2C718E" +
        "2C728E2C738E2B748E2B758E2A768E2A778E2A788E29798E297A8E297B8E287C8E287D8E277E8E277F8E27808E26818E" +
        "26828E26828E25838E25848E25858E24868E24878E23888E23898E238A8D228B8D228C8D228D8D218E8D218F8D21908D" +
        "21918C20928C20928C20938C1F948C1F958B1F968B1F978B1F988B1F998A1F9A8A1E9B8A1E9C891E9D891F9E891F9F88" +
        "1FA0881FA1881FA1871FA28720A38620A48621A58521A68522A78522A88423A98324AA8325AB8225AC8226AD8127AD81" +
        "28AE8029AF7F2AB07F2CB17E2DB27D2EB37C2FB47C31B57B32B67A34B67935B77937B87838B9773ABA763BBB753DBC74" +
        "3FBC7340BD7242BE7144BF7046C06F48C16E4AC16D4CC26C4EC36B50C46A52C56954C56856C66758C7655AC8645CC863" +
        "5EC96260CA6063CB5F65CB5E67CC5C69CD5B6CCD5A6ECE5870CF5773D05675D05477D1537AD1517CD2507FD34E81D34D" +
        "84D44B86D54989D5488BD6468ED64590D74393D74195D84098D83E9BD93C9DD93BA0DA39A2DA37A5DB36A8DB34AADC32" +
        "ADDC30B0DD2FB2DD2DB5DE2BB8DE29BADE28BDDF26C0DF25C2DF23C5E021C8E020CAE11FCDE11DD0E11CD2E21BD5E21A" +
        "D8E219DAE319DDE318DFE318E2E418E5E419E7E419EAE51AECE51BEFE51CF1E51DF4E61EF6E620F8E621FBE723FDE725"));

    /// <summary>
    /// matplotlib's inferno (perceptually uniform, black to pale yellow), by Nathaniel J. Smith and Stefan van der
    /// Walt (CC0); the 256 entries of matplotlib 3.6.3 <c>_cm_listed._inferno_data</c> times 255, rounded.
    /// </summary>
    public static Colormap Inferno { get; } = new("inferno", Convert.FromHexString(
        "00000401000501010601010802010A02020C02020E03021004031204031405041706041907051B08051D09061F0A0722" +
        "0B07240C08260D08290E092B10092D110A30120A32140B34150B37160B39180C3C190C3E1B0C411C0C431E0C451F0C48" +
        "210C4A230C4C240C4F260C51280B53290B552B0B572D0B592F0A5B310A5C320A5E340A5F3609613809623909633B0964" +
        "3D09653E0966400A67420A68440A68450A69470B6A490B6A4A0C6B4C0C6B4D0D6C4F0D6C510E6C520E6D540F6D550F6D" +
        "57106E59106E5A116E5C126E5D126E5F136E61136E62146E64156E65156E67166E69166E6A176E6C186E6D186E6F196E" +
        "71196E721A6E741A6E751B6E771C6D781C6D7A1D6D7C1D6D7D1E6D7F1E6C801F6C82206C84206B85216B87216B88226A" +
        "8A226A8C23698D23698F24699025689225689326679526679727669827669A28659B29649D29649F2A63A02A63A22B62" +
        "A32C61A52C60A62D60A82E5FA92E5EAB2F5EAD305DAE305CB0315BB1325AB3325AB43359B63458B73557B93556BA3655" +
        "BC3754BD3853BF3952C03A51C13A50C33B4FC43C4EC63D4DC73E4CC83F4BCA404ACB4149CC4248CE4347CF4446D04545" +
        "D24644D34743D44842D54A41D74B3FD84C3ED94D3DDA4E3CDB503BDD513ADE5238DF5337E05536E15635E25734E35933" +
        "E45A31E55C30E65D2FE75E2EE8602DE9612BEA632AEB6429EB6628EC6726ED6925EE6A24EF6C23EF6E21F06F20F1711F" +
        "F1731DF2741CF3761BF37819F47918F57B17F57D15F67E14F68013F78212F78410F8850FF8870EF8890CF98B0BF98C0A" +
        "F98E09FA9008FA9207FA9407FB9606FB9706FB9906FB9B06FB9D07FC9F07FCA108FCA309FCA50AFCA60CFCA80DFCAA0F" +
        "FCAC11FCAE12FCB014FCB216FCB418FBB61AFBB81DFBBA1FFBBC21FBBE23FAC026FAC228FAC42AFAC62DF9C72FF9C932" +
        "F9CB35F8CD37F8CF3AF7D13DF7D340F6D543F6D746F5D949F5DB4CF4DD4FF4DF53F4E156F3E35AF3E55DF2E661F2E865" +
        "F2EA69F1EC6DF1ED71F1EF75F1F179F2F27DF2F482F3F586F3F68AF4F88EF5F992F6FA96F8FB9AF9FC9DFAFDA1FCFFA4"));

    /// <summary>
    /// matplotlib's jet (dark blue, blue, cyan, yellow, red, dark red), sampled from matplotlib's piecewise-linear
    /// definition <c>_cm._jet_data</c> at i / 255.
    /// </summary>
    public static Colormap Jet { get; } = new("jet", SamplePiecewiseLinear(
        [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)],
        [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)],
        [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)]));

    /// <summary>Gray: entry i is (i, i, i), black for 0 and white for 1.</summary>
    public static Colormap Gray { get; } = new("gray", Enumerable.Range(0, Entries).SelectMany(i => new[] { (byte)i, (byte)i, (byte)i }).ToArray());

    /// <summary>The built-in colormaps, which <see cref="FromName"/> looks up.</summary>
    private static IReadOnlyList<Colormap> BuiltIn { get; } = [Viridis, Inferno, Jet, Gray];

    /// <summary>The colormap's name as matplotlib spells it (viridis, inferno, jet, gray).</summary>
    public string Name { get; }

    /// <summary>The built-in colormap called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No colormap has that name.</exception>
    public static Colormap FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return BuiltIn.FirstOrDefault(map => string.Equals(map.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown colormap '{name}'; expected one of {string.Join(", ", BuiltIn.Select(map => map.Name))}.", nameof(name));
    }

    /// <summary>The color of entry <paramref name="index"/> (0 to 255).</summary>
    public (byte R, byte G, byte B) this[byte index] => (this.rgb[index * 3], this.rgb[(index * 3) + 1], this.rgb[(index * 3) + 2]);

    /// <summary>The color of heat value <paramref name="value01"/>; values outside [0, 1] are clamped.</summary>
    /// <exception cref="ArgumentException">The value is NaN.</exception>
    public (byte R, byte G, byte B) Map(float value01) => this[EntryOf(value01, 0, nameof(value01))];

    /// <summary>
    /// An RGB image of a row-major heatmap of values in [0, 1] (clamped), <paramref name="width"/> x <paramref name="height"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The value count is not width x height, or a value is NaN.</exception>
    public Image Apply(ReadOnlySpan<float> heat01, int width, int height)
    {
        var pixels = new byte[Image.ByteCount(width, height, 3)];
        Image.RequireLength(heat01.Length, pixels.Length / 3, $"{width}x{height}", nameof(heat01));
        for (var i = 0; i < heat01.Length; i++)
        {
            this.rgb.AsSpan(EntryOf(heat01[i], i, nameof(heat01)) * 3, 3).CopyTo(pixels.AsSpan(i * 3));
        }

        return new Image(width, height, 3, pixels);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The entry index of a heat value, naming the value's index when it is NaN.</summary>
    internal static byte EntryOf(float value01, int index, string parameterName)
    {
        if (float.IsNaN(value01))
        {
            throw new ArgumentException($"Heat value {index} is NaN; expected values in [0, 1].", parameterName);
        }

        return (byte)Math.Min((int)(Math.Clamp(value01, 0f, 1f) * Entries), Entries - 1);
    }

    private static byte[] SamplePiecewiseLinear(params (double X, double Y)[][] channels)
    {
        var rgb = new byte[Entries * 3];
        for (var i = 0; i < Entries; i++)
        {
            var x = i / (double)(Entries - 1);
            for (var c = 0; c < 3; c++)
            {
                rgb[(i * 3) + c] = (byte)Math.Round(255 * Interpolate(channels[c], x));
            }
        }

        return rgb;
    }

    private static double Interpolate((double X, double Y)[] points, double x)
    {
        var right = 1;
        while (right < points.Length - 1 && points[right].X < x)
        {
            right++;
        }

        var (x0, y0) = points[right - 1];
        var (x1, y1) = points[right];
        return y0 + ((y1 - y0) * (x - x0) / (x1 - x0));
    }
}
