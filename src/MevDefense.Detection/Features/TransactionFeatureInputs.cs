using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;

namespace MevDefense.Detection.Features;

/// <summary>Builds <see cref="TransactionFeatureInput"/> values from decoded transactions.</summary>
public static class TransactionFeatureInputs
{
    /// <summary>Summarises a decoded transaction for the model: fee payer, first and last swap, compute budget, tips and SOL transfers.</summary>
    /// <param name="transaction">The decoded transaction.</param>
    /// <returns>The model input for the transaction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transaction"/> is <see langword="null"/>.</exception>
    public static TransactionFeatureInput FromDecoded(DecodedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var input = new TransactionFeatureInput
        {
            Signer = transaction.FeePayer,
            SignatureCount = transaction.SignatureCount,
            InstructionCount = transaction.InstructionCount,
            ComputeUnitLimit = transaction.ComputeUnitLimit,
            ComputeUnitPrice = transaction.ComputeUnitPrice,
            TipLamports = transaction.TipLamports,
            DontFront = transaction.DontFront,
            IsVote = transaction.IsVote,
            HasUnresolvedAccounts = transaction.UnresolvedSwapCount > 0 || transaction.UnresolvedInstructionCount > 0,
        };

        ulong transferred = 0;
        foreach (ref readonly var t in transaction.Transfers)
        {
            if (t.IsToken || t.IsTip)
            {
                continue;
            }

            transferred += t.Amount;
            if (input.TransferDestination.IsZero)
            {
                input.TransferDestination = t.To;
            }
        }

        input.TransferLamports = transferred;
        var swaps = transaction.Swaps;
        if (swaps.Length == 0)
        {
            return input;
        }

        ref readonly var first = ref swaps[0];
        ref readonly var last = ref swaps[^1];
        var distinct = 0;
        for (var i = 0; i < swaps.Length; i++)
        {
            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = swaps[j].Pool == swaps[i].Pool;
            }

            distinct += seen ? 0 : 1;
        }

        input.Pool = first.Pool;
        input.LastPool = last.Pool;
        input.SourceTokenAccount = first.SourceTokenAccount;
        input.DestinationTokenAccount = last.DestinationTokenAccount;
        input.SwapCount = swaps.Length;
        input.DistinctPools = distinct;
        input.Direction = first.Direction switch { SwapDirection.AToB => 1, SwapDirection.BToA => -1, _ => 0 };
        input.AmountIn = first.AmountInBound;
        input.MinimumOut = first.AmountOutBound;
        input.ExactOut = first.AmountKind == SwapAmountKind.ExactOut;
        input.ProgramKind = (int)first.Dex;
        input.Cyclic = swaps.Length > 1
            && ((!first.SourceMint.IsZero && first.SourceMint == last.DestinationMint)
                || (!first.SourceTokenAccount.IsZero && first.SourceTokenAccount == last.DestinationTokenAccount));
        return input;
    }
}
