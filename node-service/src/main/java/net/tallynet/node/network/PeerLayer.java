package net.tallynet.node.network;

import net.tallynet.p2p.PeerLayerConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The shared peer layer, on its own so that slice tests (@DataJpaTest) leave it out. */
@Configuration(proxyBeanMethods = false)
@Import(PeerLayerConfiguration.class)
@EnableConfigurationProperties({NodeNetworkProperties.class, TrackerProperties.class, OutboundProperties.class})
class PeerLayer {
}
