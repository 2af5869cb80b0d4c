namespace TrainExplain.Imaging;

/// <summary>
/// Random training augmentation of one transformed image [C, H, W], as torchvision's <c>RandomHorizontalFlip(0.5)</c>
/// and <c>RandomCrop(size=(H, W), padding=CropPadding)</c> (the CIFAR recipe of He et al. 2016, "Deep Residual Learning
/// for Image Recognition", section 4.2): the crop pads the tensor by <see cref="CropPadding"/> zeros on every side and
/// cuts an H x W window at a uniformly drawn offset, so the output keeps the input's shape. The zeros are in the
/// transform's output: black for pixels in [0, 1], the mean color after a mean/std normalization.
/// </summary>
public sealed record ImageAugmentation
{
    private readonly int cropPadding;

    /// <summary>Mirrors the image left to right with probability 0.5.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Pixels of zero padding on each side before the random crop; 0 (the default) crops nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative.</exception>
    public int CropPadding
    {
        get => this.cropPadding;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(CropPadding));
            this.cropPadding = value;
        }
    }

    /// <summary>
    /// The augmented image [C, H, W]; the draws (flip, then the crop's top and left offsets) come from
    /// <paramref name="random"/>. Called inside the caller's dispose scope, which frees the intermediate tensors.
    /// </summary>
    internal Tensor Apply(Tensor image, Random random)
    {
        var flipped = HorizontalFlip && random.NextDouble() < 0.5 ? image.flip(2) : image;
        if (CropPadding == 0)
        {
            return flipped;
        }
        var top = random.Next((2 * CropPadding) + 1);
        var left = random.Next((2 * CropPadding) + 1);
        var padded = nn.functional.pad(flipped, [CropPadding, CropPadding, CropPadding, CropPadding]);
        return padded.narrow(1, top, image.size(1)).narrow(2, left, image.size(2));
    }
}
