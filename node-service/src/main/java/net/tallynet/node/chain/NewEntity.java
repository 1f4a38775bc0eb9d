package net.tallynet.node.chain;

import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/**
 * For entities whose id is their content (hashes, outpoints): without this, saving one makes Spring
 * Data merge it, which reads the row before writing it, one SELECT per INSERT on the connect path.
 */
@MappedSuperclass
abstract class NewEntity<ID> implements Persistable<ID> {
    @Transient
    private boolean fresh = true;

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        fresh = false;
    }
}
