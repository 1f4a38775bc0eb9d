package net.tallynet.node.chain;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The connection the transaction that stores and connects a block runs on ({@link ChainStore#storeAndConnect}),
 * kept by the store from its first block on, with auto-commit off for good: each block's transaction is its rows
 * and a commit. Through a transaction manager, each block also borrowed a pooled connection, switched auto-commit
 * off and back on (which H2 answers with a commit of its own), and registered and ran the synchronisations of a
 * Spring transaction: in a profile of a syncing member about a fifth of a block's storing, as much as H2's commit.
 *
 * <p>Not thread-safe: the store uses it under its coins cache's monitor only, one transaction at a time. A
 * connection whose commit or rollback failed is given back to the pool (which rolls back whatever it holds) and
 * another is taken for the next block; so is one that no longer answers after {@value #IDLE_CHECK_SECONDS} s
 * unused (a database server or a firewall may drop an idle connection, which the pool would have checked).
 */
final class BlockWriteConnection implements AutoCloseable {
    /** Unused this long, the connection is asked whether it still works before the next block. */
    static final int IDLE_CHECK_SECONDS = 5;
    private final DataSource dataSource;
    private final long idleCheckNanos;
    private Connection connection;
    private BlockRows rows;
    private long lastUsed;
    /** Closed with the store: no connection is taken from the pool again. */
    private boolean closed;

    BlockWriteConnection(DataSource dataSource) {
        this(dataSource, Duration.ofSeconds(IDLE_CHECK_SECONDS));
    }

    /** Tests: with another idle time before the check. */
    BlockWriteConnection(DataSource dataSource, Duration idleCheck) {
        this.dataSource = dataSource;
        this.idleCheckNanos = idleCheck.toNanos();
    }

    /**
     * Runs {@code work} on rows written through this connection and commits them; if anything fails, nothing
     * commits and the failure is rethrown.
     */
    <T> T inTransaction(Function<BlockRows, T> work) {
        BlockRows on = open();
        lastUsed = System.nanoTime();
        T result;
        try {
            result = work.apply(on);
        } catch (RuntimeException | Error e) {
            rollback(e);
            throw e;
        }
        try {
            connection.commit();
        } catch (SQLException e) {
            DataAccessResourceFailureException failure = new DataAccessResourceFailureException(
                    "committing a block's rows failed", e);
            rollback(failure);
            throw failure;
        }
        return result;
    }

    private BlockRows open() {
        if (closed) {
            throw new IllegalStateException("the store is closed: no block is stored any more");
        }
        if (connection != null && System.nanoTime() - lastUsed >= idleCheckNanos && !stillWorks()) {
            giveBack();
        }
        if (connection == null) {
            try {
                Connection opened = dataSource.getConnection();
                try {
                    opened.setAutoCommit(false);
                } catch (SQLException e) {
                    opened.close();
                    throw e;
                }
                connection = opened;
                rows = new BlockRows(new JdbcTemplate(new SingleConnectionDataSource(opened, true)));
            } catch (SQLException e) {
                throw new DataAccessResourceFailureException("no connection to store a block on", e);
            }
        }
        return rows;
    }

    private boolean stillWorks() {
        try {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private void rollback(Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            giveBack();
        }
    }

    /** Gives the connection back to the pool, for good: no other is taken. */
    @Override
    public void close() {
        closed = true;
        giveBack();
    }

    /** Gives the connection back to the pool (a transaction left open is rolled back there); the next block takes another. */
    private void giveBack() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // given up either way: the next block takes another connection
        } finally {
            connection = null;
            rows = null;
        }
    }
}
