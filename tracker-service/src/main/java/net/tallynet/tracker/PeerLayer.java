package net.tallynet.tracker;

import net.tallynet.p2p.PeerLayerConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared peer layer, on its own so that slice tests (@DataJpaTest) leave it out. */
@Configuration(proxyBeanMethods = false)
@Import(PeerLayerConfiguration.class)
class PeerLayer {
}
