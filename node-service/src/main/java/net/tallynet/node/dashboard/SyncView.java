package net.tallynet.node.dashboard;

import net.tallynet.node.sync.BlockSync;
import net.tallynet.node.sync.SyncMonitor;

/** Sync progress as {@code GET /api/sync} and the {@code sync} event show it. */
record SyncView(long height, long target, double progress, boolean syncing, int queued, int inFlight, int peers) {

    static SyncView of(SyncMonitor sync) {
        BlockSync.Progress p = sync.last();
        return new SyncView(p.height(), p.target(), sync.progress(), sync.syncing(), p.queued(), p.inFlight(), p.peers());
    }
}
