namespace MevDefense.Ingest.Fec;

/// <summary>
/// GF(2^8) with generating polynomial 0x11D (x^8+x^4+x^3+x^2+1) and generator 2, as in reed-solomon-erasure 6.0
/// (<c>build.rs</c>). Tables are computed once and never mutated.
/// </summary>
internal static class GaloisField
{
    public const int Polynomial = 0x11D;

    private static readonly byte[] Exp = BuildExp();
    private static readonly byte[] Log = BuildLog(Exp);
    private static readonly byte[] MulTable = BuildMul();

    /// <summary>The 256-entry multiplication row of <paramref name="c"/>: row[x] = c·x.</summary>
    public static ReadOnlySpan<byte> MulRow(byte c) => new(MulTable, c << 8, 256);

    public static byte Mul(byte a, byte b) => MulTable[(a << 8) | b];

    public static byte Div(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException();
        }

        return a == 0 ? (byte)0 : Exp[Log[a] + 255 - Log[b]];
    }

    /// <summary>a^n with 0^0 = 1.</summary>
    public static byte Pow(byte a, int n)
    {
        if (n == 0)
        {
            return 1;
        }

        if (a == 0)
        {
            return 0;
        }

        return Exp[(Log[a] * n) % 255];
    }

    private static byte[] BuildExp()
    {
        var exp = new byte[512];
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            exp[i] = (byte)x;
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Polynomial;
            }
        }

        for (int i = 255; i < 512; i++)
        {
            exp[i] = exp[i - 255];
        }

        return exp;
    }

    private static byte[] BuildLog(byte[] exp)
    {
        var log = new byte[256];
        for (int i = 0; i < 255; i++)
        {
            log[exp[i]] = (byte)i;
        }

        return log;
    }

    private static byte[] BuildMul()
    {
        var t = new byte[256 * 256];
        for (int a = 1; a < 256; a++)
        {
            for (int b = 1; b < 256; b++)
            {
                t[(a << 8) | b] = Exp[Log[a] + Log[b]];
            }
        }

        return t;
    }
}
