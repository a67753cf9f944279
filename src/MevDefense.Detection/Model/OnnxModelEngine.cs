namespace MevDefense.Detection.Model;

/// <summary>Selects how <see cref="OnnxDetector"/> executes the role model.</summary>
public enum OnnxModelEngine
{
    /// <summary>
    /// The managed SIMD engine when it recognises the model's graph (the architecture shipped in the package, any depth)
    /// and the CPU accelerates Vector256 or Vector512; otherwise ONNX Runtime.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// Always the managed SIMD engine (Vector512, Vector256 or scalar, chosen by the hardware). Loading a model whose
    /// graph it does not recognise throws <see cref="NotSupportedException"/>.
    /// </summary>
    Managed = 1,

    /// <summary>Always ONNX Runtime (IOBinding over preallocated buffers); runs any model with the expected inputs and output.</summary>
    OnnxRuntime = 2,
}
