using System.ComponentModel.DataAnnotations;

namespace MevDefense.Dna.Stores;

/// <summary>Options of <see cref="PostgresDnaStore"/>.</summary>
public sealed class PostgresDnaStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string.</summary>
    /// <value>The default value is <see langword="null"/> (required unless a data source is passed).</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the chain id: one chain per host (or per ledger instance) in the shared database.</summary>
    /// <value>The default value is <see cref="Environment.MachineName"/>.</value>
    [Required]
    [RegularExpression(@"^[\x21-\x7e]{1,200}$")]
    public string ChainId { get; set; } = Environment.MachineName;

    /// <summary>Gets or sets the database schema holding the ledger tables (created on first use).</summary>
    /// <value>The default value is <c>mevdefense_dna</c>.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "mevdefense_dna";
}
