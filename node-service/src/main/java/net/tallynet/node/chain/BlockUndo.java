package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A best-chain block's undo data: the outputs it spent, restored if it is disconnected, as one value
 * ({@link UndoCodec}) in one row. Written by {@link BlockRows} as the block connects (none for a block that
 * spends nothing), read and deleted there too; this entity gives the table its schema. One row a block,
 * where a row per spent output had cost a block of 1,000 payments 1,000 inserts into a table keyed by three
 * columns and indexed by a fourth: Bitcoin Core keeps a block's undo data as one record too.
 */
@Entity
@Table(name = "block_undo_data")
public class BlockUndo {

    @Id
    @Column(name = "block_hash", length = 64)
    private String blockHash;

    /**
     * As a block's frame, a varying binary column, not a LOB ({@link VaryingBinaryOnH2}, and for older stores
     * {@link ChainStore#useVaryingBinaryColumns}); smaller than the frame.
     */
    @JdbcTypeCode(SqlTypes.VARBINARY) // not the BLOB Hibernate makes of so long a byte array (VaryingBinaryOnH2)
    @Column(nullable = false, length = StoredBlock.MAX_FRAME_COLUMN_BYTES)
    private byte[] spent;

    protected BlockUndo() {
    }
}
