namespace MevDefense.Ingest.Selection;

/// <summary>A JSON-RPC error returned by a Solana node, or a malformed response.</summary>
public sealed class SolanaRpcException : Exception
{
    /// <summary>Creates an exception.</summary>
    public SolanaRpcException()
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="message">The message.</param>
    public SolanaRpcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SolanaRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a JSON-RPC error object.</summary>
    /// <param name="code">The JSON-RPC error code.</param>
    /// <param name="message">The error message.</param>
    public SolanaRpcException(int code, string message)
        : base($"JSON-RPC error {code}: {message}")
    {
        Code = code;
    }

    /// <summary>Gets the JSON-RPC error code (0 for a malformed response).</summary>
    public int Code { get; }
}
