package net.tallynet.tracker;

import java.util.Set;
import net.tallynet.p2p.KnownRejections;
import net.tallynet.p2p.PeerLayerConfiguration;
import net.tallynet.tracker.member.GetAddrHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared peer layer, on its own so that slice tests (@DataJpaTest) leave it out. */
@Configuration(proxyBeanMethods = false)
@Import(PeerLayerConfiguration.class)
class PeerLayer {

    /** What the tracker's own handlers refuse with, besides the codec's and the session's reasons. */
    @Bean
    KnownRejections trackerRejections() {
        return new KnownRejections(Set.of(GetAddrHandler.REGISTRATION_FLOOD));
    }
}
