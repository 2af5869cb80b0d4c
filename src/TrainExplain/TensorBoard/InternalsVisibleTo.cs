using System.Runtime.CompilerServices;

// The tests check the TFRecord framing against the format's test vectors and inject failing file streams.
[assembly: InternalsVisibleTo("TrainExplain.Tests")]
