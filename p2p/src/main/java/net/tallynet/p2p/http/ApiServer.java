package net.tallynet.p2p.http;

import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * The API connector: a second Tomcat connector beside the P2P one ({@code server.port}), on
 * {@code tallynet.api.port} and {@code tallynet.api.address}, with its own request threads, so peers'
 * frames, however many, never queue ahead of a REST call on the same pool (issue 11, "Flood
 * isolation"). REST, the dashboard pages and actuator are served here only ({@link PortSplitValve}).
 * Once the web server runs, the port it got is published as {@value #LOCAL_PORT_PROPERTY}, as Spring
 * Boot does for {@code local.server.port}.
 */
public final class ApiServer implements ApplicationListener<WebServerInitializedEvent> {
    /** The API port the server listens on (the one picked, when {@code tallynet.api.port} is 0). */
    public static final String LOCAL_PORT_PROPERTY = "local.tallynet.api.port";

    private final Connector connector;

    ApiServer(ApiServerProperties properties, ApiGuardSettings settings) {
        connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(properties.port());
        connector.setProperty("address", properties.address());
        connector.setProperty("connectionTimeout", Long.toString(settings.readTimeout().toMillis()));
        // no executor is set: Tomcat makes this connector a pool of platform threads of its own
        connector.setProperty("maxThreads", Integer.toString(properties.threads().max()));
        connector.setProperty("minSpareThreads", Integer.toString(properties.threads().minSpare()));
        connector.setProperty("acceptCount", Integer.toString(properties.threads().acceptCount()));
        connector.setURIEncoding("UTF-8");
        connector.setThrowOnFailure(true);
    }

    Connector connector() {
        return connector;
    }

    boolean isApiConnector(Connector other) {
        return other == connector;
    }

    /** The port REST and actuator answer on; -1 before the web server has started. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The API port of a running service's context. */
    public static int port(ApplicationContext context) {
        return context.getBean(ApiServer.class).port();
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        // only for the context that holds this connector (not a separate management server's child context)
        if (event.getApplicationContext() instanceof ConfigurableApplicationContext context
                && context.getBeanNamesForType(ApiServer.class, false, false).length > 0) {
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            sources.remove("tallynet.api.ports");
            sources.addFirst(new MapPropertySource("tallynet.api.ports", Map.of(LOCAL_PORT_PROPERTY, port())));
        }
    }
}
