namespace MevDefense.Dna.Anchoring;

/// <summary>A JSON-RPC error answered by a Solana RPC node.</summary>
public sealed class SolanaRpcException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SolanaRpcException"/> class.</summary>
    public SolanaRpcException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SolanaRpcException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public SolanaRpcException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SolanaRpcException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SolanaRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SolanaRpcException"/> class from a JSON-RPC error.</summary>
    /// <param name="method">The RPC method.</param>
    /// <param name="code">The JSON-RPC error code (for example -32002 for a failed preflight).</param>
    /// <param name="message">The error message.</param>
    /// <param name="transactionError">The transaction error name from <c>data.err</c> (for example <c>BlockhashNotFound</c>), when present.</param>
    public SolanaRpcException(string method, int code, string message, string? transactionError)
        : base($"{method} failed ({code}): {message}")
    {
        Method = method;
        Code = code;
        TransactionError = transactionError;
    }

    /// <summary>Gets the RPC method that failed.</summary>
    public string? Method { get; }

    /// <summary>Gets the JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>Gets the transaction error name from the error data (<c>BlockhashNotFound</c>, <c>AlreadyProcessed</c>, ...), when present.</summary>
    public string? TransactionError { get; }

    /// <summary>Gets a value indicating whether the node says the transaction was already processed (a duplicate send).</summary>
    public bool IsAlreadyProcessed => Contains("AlreadyProcessed") || Message.Contains("already been processed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the node does not know the transaction's blockhash (expired or from another cluster).</summary>
    public bool IsBlockhashNotFound => Contains("BlockhashNotFound") || Message.Contains("Blockhash not found", StringComparison.OrdinalIgnoreCase);

    private bool Contains(string name) => TransactionError?.Contains(name, StringComparison.Ordinal) == true;
}
