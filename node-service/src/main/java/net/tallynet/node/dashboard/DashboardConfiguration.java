package net.tallynet.node.dashboard;

import net.tallynet.p2p.http.EventStream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The node's web dashboard: the page at {@code /} (static resources), its data endpoints and live events. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DashboardProperties.class)
class DashboardConfiguration {

    @Bean
    EventStream eventStream(DashboardProperties properties, JsonMapper json) {
        return new EventStream(properties.events().settings(), json);
    }

    @Bean
    BlockArrivals blockArrivals(DashboardProperties properties) {
        return new BlockArrivals(properties.arrivals());
    }
}
