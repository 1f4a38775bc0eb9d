package net.tallynet.node.chain;

import org.hibernate.boot.model.TypeContributions;
import org.hibernate.boot.model.TypeContributor;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.engine.jdbc.spi.JdbcServices;
import org.hibernate.service.ServiceRegistry;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.sql.internal.DdlTypeImpl;

/**
 * On H2, a varying binary column of any declared length is made {@code varbinary(length)}. Block frames and undo
 * data must not be LOBs ({@link StoredBlock} says why), but Hibernate's H2 dialect makes a byte array longer than
 * 1 MiB a BLOB, even one marked {@code @JdbcTypeCode(SqlTypes.VARBINARY)}, though H2 takes a varying binary column
 * up to 1,000,000,000 bytes: every new store was made with BLOBs and converted at once
 * ({@link ChainStore#useVaryingBinaryColumns}: about 20 ms and a log line at every new node's start). A byte
 * array longer than 1 MiB without that mark (the wallet's {@code local_transactions.frame}) stays a BLOB. Other
 * databases keep their dialect's choice (PostgreSQL's {@code bytea}). Hibernate finds it through
 * {@code META-INF/services/org.hibernate.boot.model.TypeContributor}.
 */
public final class VaryingBinaryOnH2 implements TypeContributor {
    @Override
    public void contribute(TypeContributions contributions, ServiceRegistry services) {
        if (services.requireService(JdbcServices.class).getDialect() instanceof H2Dialect dialect) {
            // Hibernate's own plain type-name pattern, in place of the dialect's, which turns to BLOB beyond 1 MiB;
            // a cast stays an unsized varbinary, as the dialect casts it
            contributions.getTypeConfiguration().getDdlTypeRegistry()
                    .addDescriptor(new DdlTypeImpl(SqlTypes.VARBINARY, "varbinary($l)", "varbinary", dialect));
        }
    }
}
