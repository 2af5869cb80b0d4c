using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Writes a copy of an ELF64 shared library in which the named symbol-version needs are marked weak
/// (<c>VER_FLG_WEAK</c> in their <c>Elf64_Vernaux</c> flags), so the dynamic loader accepts a system library that
/// lacks those versions. TorchSharp 0.107's <c>libLibTorchSharp.so</c> needs <c>GLIBCXX_3.4.32</c> only because GCC 13
/// references <c>std::ios_base_library_init()</c>, which no relocation uses; Debian 12's libstdc++ stops at 3.4.30.
/// Weakening is only safe while nothing binds to a symbol of a weakened version, so the task fails, naming the
/// symbol, when any relocation does.
/// </summary>
/// <remarks>
/// Compiled by MSBuild's RoslynCodeTaskFactory from buildTransitive/TrainExplain.targets, no external tool; that
/// factory compiles against netstandard2.0, hence no spans or records here.
/// </remarks>
public sealed class WeakenElfVersionNeeds : Microsoft.Build.Utilities.Task
{
    private const uint SectionDynamicSymbols = 11;
    private const uint SectionRela = 4;
    private const uint SectionRel = 9;
    private const uint SectionVersionNeeds = 0x6ffffffe;
    private const uint SectionVersionSymbols = 0x6fffffff;
    private const byte WeakVersionFlag = 0x2;

    /// <summary>The library to read.</summary>
    [Required]
    public string Source { get; set; } = "";

    /// <summary>Where the patched copy goes (written to a temporary name, then renamed).</summary>
    [Required]
    public string Destination { get; set; } = "";

    /// <summary>The version names to weaken, such as GLIBCXX_3.4.32.</summary>
    [Required]
    public string[] Versions { get; set; } = new string[0];

    /// <summary>The versions that were found and weakened.</summary>
    [Output]
    public string[] Weakened { get; private set; } = new string[0];

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            var image = File.ReadAllBytes(Source);
            var weakened = Weaken(image, new HashSet<string>(Versions, StringComparer.Ordinal), out var boundSymbols);
            if (boundSymbols.Count > 0)
            {
                Log.LogError($"{Source}: cannot weaken {string.Join(", ", weakened)}: relocations bind to {string.Join(", ", boundSymbols)}, so the library needs a libstdc++ that defines them.");
                return false;
            }
            Weakened = weakened.ToArray();
            var temporary = Destination + ".tmp";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination))!);
            File.WriteAllBytes(temporary, image);
            if (File.Exists(Destination))
            {
                File.Replace(temporary, Destination, null);
            }
            else
            {
                File.Move(temporary, Destination);
            }
            Log.LogMessage(MessageImportance.Low, $"{Destination}: weakened {(weakened.Count == 0 ? "nothing" : string.Join(", ", weakened))}.");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentOutOfRangeException)
        {
            Log.LogError($"{Source}: {e.Message}");
            return false;
        }
    }

    /// <summary>Marks the version needs named in <paramref name="versions"/> weak, in place.</summary>
    /// <returns>The weakened version names; <paramref name="boundSymbols"/> gets each symbol of theirs that a relocation uses.</returns>
    public static List<string> Weaken(byte[] image, ISet<string> versions, out List<string> boundSymbols)
    {
        var elf = new ElfSections(image);
        var needs = elf.Single(SectionVersionNeeds);
        var weakIndices = new HashSet<ushort>();
        var weakened = new List<string>();
        var strings = elf.Sections[(int)needs.Link];
        for (long need = needs.Offset, n = 0; n < needs.Info; n++)
        {
            var auxCount = elf.U16(need + 2);
            for (long aux = need + elf.U32(need + 8), a = 0; a < auxCount; a++)
            {
                var name = elf.String(strings, elf.U32(aux + 8));
                if (versions.Contains(name))
                {
                    image[aux + 4] |= WeakVersionFlag;   // vna_flags, little-endian: the flag lives in its low byte
                    weakIndices.Add((ushort)(elf.U16(aux + 6) & 0x7fff));
                    weakened.Add(name);
                }
                aux += elf.U32(aux + 12);
            }
            need += elf.U32(need + 12);
        }
        boundSymbols = BoundSymbols(elf, weakIndices);
        return weakened;
    }

    /// <summary>The names of the dynamic symbols of the given version indices that a relocation refers to.</summary>
    private static List<string> BoundSymbols(ElfSections elf, HashSet<ushort> versionIndices)
    {
        var bound = new SortedSet<string>(StringComparer.Ordinal);
        if (versionIndices.Count == 0)
        {
            return new List<string>();
        }
        var symbolsIndex = elf.IndexOf(SectionDynamicSymbols);
        var symbols = elf.Sections[symbolsIndex];
        var symbolNames = elf.Sections[(int)symbols.Link];
        var versionOf = elf.Single(SectionVersionSymbols);
        foreach (var relocations in elf.Sections.Where(s => (s.Type is SectionRela or SectionRel) && s.Link == symbolsIndex))
        {
            var entrySize = relocations.Type == SectionRela ? 24 : 16;
            for (var entry = relocations.Offset; entry < relocations.Offset + relocations.Size; entry += entrySize)
            {
                var symbol = (long)(elf.U64(entry + 8) >> 32);
                if (symbol != 0 && versionIndices.Contains((ushort)(elf.U16(versionOf.Offset + 2 * symbol) & 0x7fff)))
                {
                    bound.Add(elf.String(symbolNames, elf.U32(symbols.Offset + 24 * symbol)));
                }
            }
        }
        return bound.ToList();
    }

    /// <summary>The section headers of a little-endian ELF64 file, with bounds-checked readers.</summary>
    private sealed class ElfSections
    {
        private readonly byte[] image;

        public ElfSections(byte[] image)
        {
            this.image = image;
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }
            if (image[4] != 2 || image[5] != 1)
            {
                throw new InvalidDataException("not a little-endian 64-bit ELF file");
            }
            var tableOffset = (long)U64(0x28);
            var entrySize = U16(0x3a);
            var count = U16(0x3c);
            if (count == 0 || entrySize < 64)
            {
                throw new InvalidDataException("the file has no section headers");
            }
            Sections = Enumerable.Range(0, count).Select(i => Read(tableOffset + (long)i * entrySize)).ToList();
        }

        public List<Section> Sections { get; }

        public int IndexOf(uint type)
        {
            var index = Sections.FindIndex(s => s.Type == type);
            return index >= 0 ? index : throw new InvalidDataException($"the file has no section of type 0x{type:x}");
        }

        public Section Single(uint type) => Sections[IndexOf(type)];

        public ushort U16(long offset) => (ushort)Little(offset, 2);

        public uint U32(long offset) => (uint)Little(offset, 4);

        public ulong U64(long offset) => Little(offset, 8);

        public string String(Section table, uint offset)
        {
            var start = table.Offset + offset;
            Check(start, 1);
            var end = Array.IndexOf(image, (byte)0, (int)start);
            return end >= 0 ? Encoding.ASCII.GetString(image, (int)start, end - (int)start) : throw new InvalidDataException("unterminated string");
        }

        private Section Read(long header) =>
            new(U32(header + 4), (long)U64(header + 24), (long)U64(header + 32), U32(header + 40), U32(header + 44));

        private ulong Little(long offset, int length)
        {
            Check(offset, length);
            ulong value = 0;
            for (var i = length - 1; i >= 0; i--)
            {
                value = (value << 8) | image[offset + i];
            }
            return value;
        }

        private void Check(long offset, int length)
        {
            if (offset < 0 || offset + length > image.Length)
            {
                throw new InvalidDataException($"offset 0x{offset:x} lies outside the file");
            }
        }
    }

    /// <summary>One section header: type, file offset and size, link and info.</summary>
    private sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, uint info) =>
            (Type, Offset, Size, Link, Info) = (type, offset, size, link, info);

        public uint Type { get; }

        public long Offset { get; }

        public long Size { get; }

        public uint Link { get; }

        public uint Info { get; }
    }
}
