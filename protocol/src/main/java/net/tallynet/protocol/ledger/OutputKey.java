package net.tallynet.protocol.ledger;

/**
 * An output's key in the sets and maps of block and transaction checks: a record, not "txId:index", so that a
 * lookup builds no string and hashes the id's cached hash (a block of 1,000 payments looks up, spends and creates
 * thousands).
 */
record OutputKey(String txId, long index) {
    static OutputKey of(TxInput input) {
        return new OutputKey(input.txId(), input.index());
    }

    /** As messages name an output. */
    @Override
    public String toString() {
        return txId + ":" + index;
    }
}
