package net.tallynet.p2p;

import java.util.Collection;
import java.util.List;

/** Where bans outlive the process: read once at start, written whenever they change. */
public interface BanStore {
    /** Keeps nothing: for tests and tools that need no persistence. */
    BanStore NONE = new BanStore() {
        @Override
        public List<BanList.Ban> load() {
            return List.of();
        }

        @Override
        public void save(Collection<BanList.Ban> bans) {
        }
    };

    List<BanList.Ban> load();

    void save(Collection<BanList.Ban> bans);
}
