namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// A point of the twisted Edwards curve -x^2 + y^2 = 1 + d*x^2*y^2 (edwards25519) in extended coordinates
/// (X : Y : Z : T) with x = X/Z, y = Y/Z, x*y = T/Z. Formulas: Hisil, Wong, Carter, Dawson, "Twisted Edwards curves revisited"
/// (2008), section 3.1 (a = -1, unified addition with k = 2d) and the dedicated doubling. Variable time (public data only).
/// </summary>
internal struct ExtendedPoint
{
    public FieldElement X;
    public FieldElement Y;
    public FieldElement Z;
    public FieldElement T;

    /// <summary>The neutral element (0, 1).</summary>
    public static ExtendedPoint Identity => new() { Y = FieldElement.One, Z = FieldElement.One };

    /// <summary>From affine coordinates.</summary>
    public static ExtendedPoint FromAffine(in FieldElement x, in FieldElement y)
    {
        var p = new ExtendedPoint { X = x, Y = y, Z = FieldElement.One };
        FieldElement.Mul(out p.T, x, y);
        return p;
    }

    /// <summary>p += q (q given as a table entry of 15 limbs; subtract when <paramref name="negate"/>). 7 multiplications.</summary>
    public static void AddNiels(ref ExtendedPoint p, ReadOnlySpan<ulong> q, bool negate)
    {
        q = q[..NielsPoint.Limbs];
        FieldElement ypx = new() { L0 = q[0], L1 = q[1], L2 = q[2], L3 = q[3], L4 = q[4] };
        FieldElement ymx = new() { L0 = q[5], L1 = q[6], L2 = q[7], L3 = q[8], L4 = q[9] };
        FieldElement xy2d = new() { L0 = q[10], L1 = q[11], L2 = q[12], L3 = q[13], L4 = q[14] };
        FieldElement.Add(out FieldElement yPlusX, p.Y, p.X);
        FieldElement.Sub(out FieldElement yMinusX, p.Y, p.X);
        FieldElement a, b;
        if (negate)
        {
            // -(x, y) = (-x, y): y + x and y - x swap, 2dxy changes sign (handled by swapping F and G below).
            FieldElement.Mul(out a, yMinusX, ypx);
            FieldElement.Mul(out b, yPlusX, ymx);
        }
        else
        {
            FieldElement.Mul(out a, yMinusX, ymx);
            FieldElement.Mul(out b, yPlusX, ypx);
        }

        FieldElement.Mul(out FieldElement c, p.T, xy2d);
        FieldElement.Add(out FieldElement d, p.Z, p.Z);
        FieldElement.Sub(out FieldElement e, b, a);
        FieldElement.Add(out FieldElement h, b, a);
        FieldElement f, g;
        if (negate)
        {
            FieldElement.Add(out f, d, c);
            FieldElement.Sub(out g, d, c);
        }
        else
        {
            FieldElement.Sub(out f, d, c);
            FieldElement.Add(out g, d, c);
        }

        FieldElement.Mul(out p.X, e, f);
        FieldElement.Mul(out p.Y, g, h);
        FieldElement.Mul(out p.T, e, h);
        FieldElement.Mul(out p.Z, f, g);
    }

    /// <summary>r = p + q (general extended addition, 9 multiplications).</summary>
    public static void Add(out ExtendedPoint r, in ExtendedPoint p, in ExtendedPoint q)
    {
        FieldElement.Sub(out FieldElement t0, p.Y, p.X);
        FieldElement.Sub(out FieldElement t1, q.Y, q.X);
        FieldElement.Mul(out FieldElement a, t0, t1);
        FieldElement.Add(out t0, p.Y, p.X);
        FieldElement.Add(out t1, q.Y, q.X);
        FieldElement.Mul(out FieldElement b, t0, t1);
        FieldElement.Mul(out t0, p.T, q.T);
        FieldElement.Mul(out FieldElement c, t0, FieldElement.D2);
        FieldElement.Mul(out t0, p.Z, q.Z);
        FieldElement.Add(out FieldElement d, t0, t0);
        FieldElement.Sub(out FieldElement e, b, a);
        FieldElement.Sub(out FieldElement f, d, c);
        FieldElement.Add(out FieldElement g, d, c);
        FieldElement.Add(out FieldElement h, b, a);
        FieldElement.Mul(out r.X, e, f);
        FieldElement.Mul(out r.Y, g, h);
        FieldElement.Mul(out r.T, e, h);
        FieldElement.Mul(out r.Z, f, g);
    }

    /// <summary>r = 2p (4 multiplications, 4 squarings).</summary>
    public static void Double(out ExtendedPoint r, in ExtendedPoint p)
    {
        FieldElement.Square(out FieldElement a, p.X);
        FieldElement.Square(out FieldElement b, p.Y);
        FieldElement.Square(out FieldElement c, p.Z);
        FieldElement.Add(out c, c, c);
        FieldElement.Add(out FieldElement xy, p.X, p.Y);
        FieldElement.Square(out FieldElement e, xy);
        FieldElement.Sub(out e, e, a);
        FieldElement.Sub(out e, e, b);      // E = 2XY
        FieldElement.Sub(out FieldElement g, b, a);      // G = -A + B (a = -1)
        FieldElement.Sub(out FieldElement f, g, c);      // F = G - 2Z^2
        FieldElement.Add(out FieldElement h, a, b);
        FieldElement.Negate(out h, h);                   // H = -A - B
        FieldElement.Mul(out r.X, e, f);
        FieldElement.Mul(out r.Y, g, h);
        FieldElement.Mul(out r.T, e, h);
        FieldElement.Mul(out r.Z, f, g);
    }

    /// <summary>-p.</summary>
    public static void Negate(out ExtendedPoint r, in ExtendedPoint p)
    {
        FieldElement.Negate(out r.X, p.X);
        r.Y = p.Y;
        r.Z = p.Z;
        FieldElement.Negate(out r.T, p.T);
    }

    /// <summary>True iff p is the neutral element.</summary>
    public static bool IsIdentity(in ExtendedPoint p) => FieldElement.IsZero(p.X) && FieldElement.AreEqual(p.Y, p.Z);

    /// <summary>True iff [8]p is the neutral element (p is one of the 8 points of small order).</summary>
    public static bool HasSmallOrder(in ExtendedPoint p)
    {
        Double(out ExtendedPoint q, p);
        Double(out q, q);
        Double(out q, q);
        return IsIdentity(q);
    }

    /// <summary>
    /// True iff a curve point with this y coordinate has small order: y is 1 (identity), -1 (order 2), 0 (order 4), or a root of
    /// d*y^4 + 2*y^2 - 1 (order 8: for those x^2 = -y^2, so 2P has y = 0). Cheaper than three doublings.
    /// </summary>
    public static bool IsSmallOrderY(in FieldElement y)
    {
        FieldElement.Square(out FieldElement y2, y);
        FieldElement.Sub(out FieldElement t, y2, FieldElement.One);
        if (FieldElement.IsZero(y) || FieldElement.IsZero(t))
        {
            return true;                                   // y = 0 or y^2 = 1
        }

        FieldElement.Square(out FieldElement y4, y2);
        FieldElement.Mul(out FieldElement dy4, y4, FieldElement.D);
        FieldElement.Add(out FieldElement twoY2, y2, y2);
        FieldElement.Add(out t, dy4, twoY2);
        FieldElement.Sub(out t, t, FieldElement.One);
        return FieldElement.IsZero(t);
    }

    /// <summary>Affine coordinates (one inversion).</summary>
    public static void ToAffine(in ExtendedPoint p, out FieldElement x, out FieldElement y)
    {
        FieldElement.Invert(out FieldElement zInv, p.Z);
        FieldElement.Mul(out x, p.X, zInv);
        FieldElement.Mul(out y, p.Y, zInv);
    }

    /// <summary>The RFC 8032 encoding: y little-endian, bit 255 = low bit of x.</summary>
    public static void Encode(in ExtendedPoint p, Span<byte> destination)
    {
        FieldElement.Invert(out FieldElement zInv, p.Z);
        Encode(p, zInv, destination);
    }

    /// <summary>The RFC 8032 encoding of <paramref name="p"/> given 1/Z (batch inversion computes many at once).</summary>
    public static void Encode(in ExtendedPoint p, in FieldElement zInv, Span<byte> destination)
    {
        FieldElement.Mul(out FieldElement x, p.X, zInv);
        FieldElement.Mul(out FieldElement y, p.Y, zInv);
        FieldElement.Encode(y, destination);
        if (FieldElement.IsOdd(x))
        {
            destination[31] |= 0x80;
        }
    }

    /// <summary>
    /// RFC 8032 5.1.3 decoding, except that a y in [p, 2^255) is accepted (reduced mod p): callers check canonicity themselves.
    /// False when no x exists, or when x = 0 and the sign bit is set.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> s, out ExtendedPoint p)
    {
        p = default;
        FieldElement y = FieldElement.Decode(s);
        bool sign = (s[31] & 0x80) != 0;
        FieldElement.Square(out FieldElement y2, y);
        FieldElement.Sub(out FieldElement u, y2, FieldElement.One);        // u = y^2 - 1
        FieldElement.Mul(out FieldElement v, y2, FieldElement.D);
        FieldElement.Add(out v, v, FieldElement.One);                      // v = d*y^2 + 1

        // x = u*v^3 * (u*v^7)^((p-5)/8); then v*x^2 is u (done), -u (multiply x by sqrt(-1)) or neither (not a square).
        FieldElement.Square(out FieldElement v2, v);
        FieldElement.Mul(out FieldElement v3, v2, v);
        FieldElement.Mul(out FieldElement uv3, u, v3);
        FieldElement.Square(out FieldElement v6, v3);
        FieldElement.Mul(out FieldElement v7, v6, v);
        FieldElement.Mul(out FieldElement uv7, u, v7);
        FieldElement.Pow2523(out FieldElement pw, uv7);
        FieldElement.Mul(out FieldElement x, uv3, pw);
        FieldElement.Square(out FieldElement x2, x);
        FieldElement.Mul(out FieldElement vx2, v, x2);
        if (!FieldElement.AreEqual(vx2, u))
        {
            FieldElement.Negate(out FieldElement mu, u);
            if (!FieldElement.AreEqual(vx2, mu))
            {
                return false;
            }

            FieldElement.Mul(out x, x, FieldElement.SqrtM1);
        }

        FieldElement.Canonical(out x, x);
        if (FieldElement.IsZero(x) && sign)
        {
            return false;
        }

        if (FieldElement.IsOdd(x) != sign)
        {
            FieldElement.Negate(out x, x);
        }

        FieldElement.Canonical(out y, y);
        p = FromAffine(x, y);
        return true;
    }
}
