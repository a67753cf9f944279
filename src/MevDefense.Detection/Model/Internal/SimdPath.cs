namespace MevDefense.Detection.Model.Internal;

/// <summary>The vector width the managed engine computes with (selectable for tests and benchmarks).</summary>
internal enum SimdPath
{
    /// <summary>The widest width the hardware accelerates: Vector512, else Vector256, else scalar.</summary>
    Auto = 0,

    /// <summary>One <see cref="System.Runtime.Intrinsics.Vector512{T}"/> per 16-float row.</summary>
    Vector512 = 1,

    /// <summary>Two <see cref="System.Runtime.Intrinsics.Vector256{T}"/> per 16-float row.</summary>
    Vector256 = 2,

    /// <summary>Plain scalar arithmetic (16 lanes in a loop).</summary>
    Scalar = 3,
}
