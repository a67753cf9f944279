namespace MevDefense.Ingest.Fec;

/// <summary>Row-major byte matrices over GF(2^8): the reed-solomon-erasure encoding matrix and Gauss–Jordan inversion.</summary>
internal static class GfMatrix
{
    /// <summary>M = V · inv(V[0..k)), V[r][c] = r^c (n = k + m rows, k columns): systematic, top k rows identity.</summary>
    public static byte[] BuildEncodingMatrix(int k, int m)
    {
        int n = k + m;
        var v = new byte[n * k];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < k; c++)
            {
                v[(r * k) + c] = GaloisField.Pow((byte)r, c);
            }
        }

        var top = v.AsSpan(0, k * k).ToArray();
        if (!TryInvert(top, k))
        {
            throw new InvalidOperationException("Vandermonde top matrix is singular.");
        }

        return Multiply(v, n, k, top, k);
    }

    public static byte[] Multiply(byte[] a, int aRows, int aCols, byte[] b, int bCols)
    {
        var result = new byte[aRows * bCols];
        for (int r = 0; r < aRows; r++)
        {
            for (int c = 0; c < bCols; c++)
            {
                byte acc = 0;
                for (int i = 0; i < aCols; i++)
                {
                    acc ^= GaloisField.Mul(a[(r * aCols) + i], b[(i * bCols) + c]);
                }

                result[(r * bCols) + c] = acc;
            }
        }

        return result;
    }

    /// <summary>Inverts a k×k matrix in place. False when singular.</summary>
    public static bool TryInvert(byte[] matrix, int k)
    {
        var work = new byte[k * 2 * k];
        for (int r = 0; r < k; r++)
        {
            Array.Copy(matrix, r * k, work, r * 2 * k, k);
            work[(r * 2 * k) + k + r] = 1;
        }

        int w = 2 * k;
        for (int col = 0; col < k; col++)
        {
            int pivot = col;
            while (pivot < k && work[(pivot * w) + col] == 0)
            {
                pivot++;
            }

            if (pivot == k)
            {
                return false;
            }

            if (pivot != col)
            {
                for (int i = 0; i < w; i++)
                {
                    (work[(col * w) + i], work[(pivot * w) + i]) = (work[(pivot * w) + i], work[(col * w) + i]);
                }
            }

            byte p = work[(col * w) + col];
            if (p != 1)
            {
                for (int i = 0; i < w; i++)
                {
                    work[(col * w) + i] = GaloisField.Div(work[(col * w) + i], p);
                }
            }

            for (int r = 0; r < k; r++)
            {
                byte f = work[(r * w) + col];
                if (r == col || f == 0)
                {
                    continue;
                }

                for (int i = 0; i < w; i++)
                {
                    work[(r * w) + i] ^= GaloisField.Mul(f, work[(col * w) + i]);
                }
            }
        }

        for (int r = 0; r < k; r++)
        {
            Array.Copy(work, (r * w) + k, matrix, r * k, k);
        }

        return true;
    }
}
