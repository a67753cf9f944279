namespace MevDefense.Detection.Model;

/// <summary>Options of <see cref="OnnxDetector"/>.</summary>
public sealed class OnnxDetectorOptions
{
    /// <summary>Gets or sets the path of an ONNX role model to load instead of the one shipped in the package.</summary>
    /// <value>The default value is <see langword="null"/> (the embedded <c>mevdefense-roles.onnx</c>).</value>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the number of threads ONNX Runtime may use inside one inference.</summary>
    /// <value>The default value is 1 (windows are tiny; parallelism comes from concurrent callers).</value>
    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Gets or sets the engine that executes the model.</summary>
    /// <value>
    /// The default value is <see cref="OnnxModelEngine.Auto"/>: the managed SIMD engine when it recognises the model's graph
    /// (the architecture shipped in the package), otherwise ONNX Runtime. <see cref="OnnxDetector.Engine"/> tells which
    /// one was chosen. <see cref="IntraOpThreads"/> applies to ONNX Runtime only.
    /// </value>
    [System.ComponentModel.DataAnnotations.EnumDataType(typeof(OnnxModelEngine))]
    public OnnxModelEngine Engine { get; set; } = OnnxModelEngine.Auto;
}
