using MevDefense.Detection.Features;
using MevDefense.Detection.Model;

namespace MevDefense.Trainer;

/// <summary>One training/evaluation window: transactions in block order with a role label each.</summary>
internal sealed record LabelledWindow(TransactionFeatureInput[] Transactions, TransactionRole[] Roles, string Source);
