using System.Diagnostics.CodeAnalysis;

namespace MevDefense.Wire;

/// <summary>A validated transaction kept on the heap: its wire bytes plus their <see cref="TransactionLayout"/>.</summary>
/// <remarks>The bytes are referenced, not copied: do not modify the memory afterwards.</remarks>
public sealed class Transaction
{
    private Transaction(ReadOnlyMemory<byte> wire, TransactionLayout layout)
    {
        Wire = wire;
        Layout = layout;
    }

    /// <summary>Gets the wire bytes (exactly one transaction).</summary>
    public ReadOnlyMemory<byte> Wire { get; }

    /// <summary>Gets the layout.</summary>
    public TransactionLayout Layout { get; }

    /// <summary>Gets the transaction format.</summary>
    public TransactionVersion Version => Layout.Version;

    /// <summary>Gets a zero-copy view.</summary>
    public TransactionView View => new(Wire.Span, Layout);

    /// <summary>Gets the first signature, which identifies the transaction.</summary>
    public Signature Signature => Layout.SignatureCount == 0 ? default : new Signature(View.GetSignature(0));

    /// <summary>Gets the fee payer (static key 0).</summary>
    public Pubkey FeePayer => new(View.GetStaticKey(0));

    /// <summary>Parses exactly one transaction.</summary>
    /// <param name="wire">The bytes; referenced, not copied.</param>
    /// <returns>The transaction.</returns>
    /// <exception cref="FormatException">The bytes are not exactly one well-formed transaction.</exception>
    public static Transaction Parse(ReadOnlyMemory<byte> wire) => new(wire, TransactionReader.Read(wire.Span));

    /// <summary>Tries to parse exactly one transaction.</summary>
    /// <param name="wire">The bytes; referenced, not copied.</param>
    /// <param name="transaction">The transaction when successful.</param>
    /// <returns><see langword="true"/> when the bytes are one well-formed transaction.</returns>
    public static bool TryParse(ReadOnlyMemory<byte> wire, [NotNullWhen(true)] out Transaction? transaction)
    {
        if (TransactionReader.TryReadExact(wire.Span, out var layout, out _))
        {
            transaction = new Transaction(wire, layout);
            return true;
        }

        transaction = null;
        return false;
    }

    /// <summary>Wraps bytes that <see cref="TransactionReader"/> already validated.</summary>
    /// <param name="wire">Exactly the transaction bytes.</param>
    /// <param name="layout">Their layout.</param>
    /// <returns>The transaction.</returns>
    /// <exception cref="ArgumentException">The length does not match the layout.</exception>
    public static Transaction FromLayout(ReadOnlyMemory<byte> wire, in TransactionLayout layout)
    {
        if (wire.Length != layout.Length || layout.Length == 0)
        {
            throw new ArgumentException("The bytes do not match the layout.", nameof(wire));
        }

        return new Transaction(wire, layout);
    }

    /// <summary>Verifies every signature.</summary>
    /// <returns><see langword="true"/> when all are valid.</returns>
    public bool VerifySignatures() => View.VerifySignatures();

    /// <summary>Copies the message into the heap model.</summary>
    /// <returns>The message.</returns>
    public TransactionMessage ToMessage() => TransactionMessage.FromView(View);
}
