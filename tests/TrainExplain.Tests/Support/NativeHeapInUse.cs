using System.Runtime.InteropServices;

namespace TrainExplain.Tests.Support;

/// <summary>
/// Bytes of the process's native heap in use, from glibc's <c>mallinfo2()</c>: the in-use chunks of every arena
/// (<c>uordblks</c>) plus the separately mapped blocks (<c>hblkhd</c>). libtorch's CPU tensors are allocated with
/// <c>posix_memalign</c>, so every live CPU tensor buffer is counted, and a freed one stops being counted at once;
/// the managed heap is not malloc's and is not counted. Unlike the process's resident size this does not depend on
/// which freed pages the allocator keeps, so it measures live tensor bytes, not the allocator's caching.
/// </summary>
internal static class NativeHeapInUse
{
    /// <summary>Whether this C library has <c>mallinfo2</c> (glibc 2.33 or later).</summary>
    internal static bool Available
    {
        get
        {
            try
            {
                _ = Bytes();
                return true;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>The bytes in use now.</summary>
    internal static long Bytes()
    {
        var info = mallinfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    /// <summary>The bytes of the blocks malloc mapped on their own (<c>hblkhd</c>): allocations at or above the mmap threshold.</summary>
    internal static long MappedBytes() => (long)mallinfo2().Hblkhd;

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();

    /// <summary>glibc's <c>struct mallinfo2</c>, ten <c>size_t</c> fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
