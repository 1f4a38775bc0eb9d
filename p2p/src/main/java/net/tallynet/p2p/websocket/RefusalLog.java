package net.tallynet.p2p.websocket;

import java.util.Map;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A refused connection is logged once per host and reason, with the reason: an operator sees that
 * peers are turned away (a full tracker, a ban) from the log and not only from a metric, while a host
 * retrying every second writes one line. The hosts remembered are bounded; one forgotten is logged
 * again.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    private static final int HOSTS = 4096;
    private final Map<String, Boolean> logged = BoundedMaps.evictingEldest(HOSTS, false);

    void refused(String host, CloseReason reason, String limit) {
        boolean first;
        synchronized (logged) {
            first = logged.put(reason.label() + " " + host, Boolean.TRUE) == null;
        }
        if (first) {
            log.warn("connection from {} refused: {} ({}); further refusals of {} for this reason are not logged", host,
                    reason.label(), limit, host);
        }
    }
}
