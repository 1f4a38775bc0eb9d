package net.tallynet.p2p.http;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.valves.ErrorReportValve;
import net.tallynet.p2p.StopHook;
import io.micrometer.observation.ObservationPredicate;
import org.apache.coyote.AbstractProtocol;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * The HTTP hardening the node and the tracker share: the {@link ApiGuardFilter} on {@code /api/*},
 * the dashboards' {@link SecurityHeadersFilter} on every response, JSON errors from the container
 * ({@link JsonErrorReportValve}) and from the error dispatch ({@link JsonErrorController}), refused
 * bodies left undrained ({@link UnreadBodyValve}) and Tomcat's read timeout; and the two ports: REST,
 * pages and actuator on the {@link ApiServer}'s connector ({@code tallynet.api.*}), only the P2P
 * WebSocket endpoint on {@code server.port} ({@link PortSplitValve}). A service imports it and
 * provides {@link ApiGuardSettings}.
 */
@Configuration(proxyBeanMethods = false)
@Import(JsonErrorController.class)
@EnableConfigurationProperties(ApiServerProperties.class)
public class HttpApiConfiguration {
    /** The P2P WebSocket endpoint, the only path the P2P port serves. */
    public static final String P2P_PATH = "/p2p";

    @Bean
    ApiServer apiServer(ApiServerProperties properties, ApiGuardSettings settings) {
        return new ApiServer(properties, settings);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatWebServerFactory> apiPort(ApiServer api, ApiServerProperties properties) {
        return factory -> {
            if (factory.getPort() != 0 && factory.getPort() == properties.port()) {
                throw new IllegalStateException("tallynet.api.port (" + properties.port()
                        + ") must differ from server.port, the P2P port");
            }
            factory.addAdditionalConnectors(api.connector());
            factory.addContextCustomizers(context -> context.getPipeline().addValve(new PortSplitValve(api, P2P_PATH)));
        };
    }

    @Bean
    FilterRegistrationBean<ApiGuardFilter> apiGuardFilter(ApiGuardSettings settings) {
        FilterRegistrationBean<ApiGuardFilter> registration = new FilterRegistrationBean<>(new ApiGuardFilter(settings));
        registration.addUrlPatterns("/api/*");
        // before every filter that could read a body (only character encoding and tracing come first)
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Bean
    FilterRegistrationBean<SecurityHeadersFilter> securityHeadersFilter() {
        FilterRegistrationBean<SecurityHeadersFilter> registration = new FilterRegistrationBean<>(new SecurityHeadersFilter());
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * No HTTP observation (the {@code http.server.requests} timer and its context) for a peer's WebSocket
     * upgrade on the P2P port: that metric is the REST API's and actuator's (README), and in a tracker's
     * registration wave each member's upgrade made one, a cost on the path whose throughput issue 19 measures.
     */
    @Bean
    ObservationPredicate noObservationOfPeerUpgrades() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && P2P_PATH.equals(request.getCarrier().getRequestURI()));
    }

    /**
     * Ends the service's event streams (if it has an {@link EventStream}) among the first things at
     * shutdown: each is an active request, which the web server's graceful shutdown would otherwise
     * wait for until its timeout (30 s).
     */
    @Bean
    StopHook eventStreamShutdown(ObjectProvider<EventStream> streams) {
        return new StopHook(SmartLifecycle.DEFAULT_PHASE, () -> streams.ifAvailable(EventStream::closeAll));
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tomcatHardening(ApiGuardSettings settings) {
        return factory -> {
            // how long each wait for a client's bytes may last: with refused bodies never read
            // (UnreadBodyValve), slow clients cannot hold the request pool for long. Upgraded (WebSocket)
            // connections leave this timeout behind.
            factory.addConnectorCustomizers(connector ->
                    connector.setProperty("connectionTimeout", Long.toString(settings.readTimeout().toMillis())),
                    HttpApiConfiguration::platformRequestThreads);
            factory.addContextCustomizers(HttpApiConfiguration::jsonContainerErrors,
                    context -> context.getPipeline().addValve(new UnreadBodyValve()));
        };
    }

    /**
     * Peers' frames on the P2P port run on Tomcat's own pool of platform threads (at most
     * {@code server.tomcat.threads.max}, 96 in both services), not on the virtual threads that
     * {@code spring.threads.virtual.enabled} gives the rest of the service. In the flood harness
     * ({@code ./tallynet bench-flood}) a REST request on virtual threads waited 7 s at p99 while the
     * node used half its CPU and each request took under 100 ms once it ran: the two carriers were
     * busy with peers' frames (their scheduler favours what carriers wake over tasks submitted from
     * outside, such as a new request). On platform threads, scheduled by the kernel, the same flood
     * left it at about 0.25 s. REST now has a connector and pool of its own ({@link ApiServer}, also
     * platform threads): a request never waits for a thread behind peers' frames, though it still
     * shares the CPU with them. Nothing here waits long on a request thread:
     * bodies are refused before they are read or bounded by timeouts (README "REST API"), and a peer
     * holds at most one thread, bounded by the inbound and outbound peer limits.
     */
    private static void platformRequestThreads(Connector connector) {
        if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
            protocol.setExecutor(null); // Tomcat then creates its own pool when it starts
        }
    }

    /** Replaces the host's error report valves (Tomcat's and Spring Boot's) by the JSON one once they are all in place. */
    private static void jsonContainerErrors(Context context) {
        context.addLifecycleListener(event -> {
            if (!Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                return;
            }
            Pipeline pipeline = context.getParent().getPipeline();
            boolean installed = false;
            for (Valve valve : pipeline.getValves()) {
                if (valve instanceof JsonErrorReportValve) {
                    installed = true;
                } else if (valve instanceof ErrorReportValve) {
                    pipeline.removeValve(valve);
                }
            }
            if (!installed) {
                pipeline.addValve(new JsonErrorReportValve());
            }
        });
    }
}
