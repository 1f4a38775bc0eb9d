package net.tallynet.tracker.dashboard;

import net.tallynet.p2p.http.EventStream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The tracker's event stream, with the caps from {@code tallynet.dashboard.events.*}. */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

    @Bean
    EventStream eventStream(DashboardProperties properties, JsonMapper json) {
        DashboardProperties.Events events = properties.events();
        return new EventStream(new EventStream.Settings(events.maxSubscribers(), events.maxPerClient(),
                events.queuedEvents(), events.keepAlive(), events.lifetime()), json);
    }
}
