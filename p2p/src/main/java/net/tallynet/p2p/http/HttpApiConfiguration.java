package net.tallynet.p2p.http;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * The HTTP hardening the node and the tracker share: the {@link ApiGuardFilter} on {@code /api/*},
 * JSON errors from the container ({@link JsonErrorReportValve}) and from the error dispatch
 * ({@link JsonErrorController}), refused bodies left undrained ({@link UnreadBodyValve})
 * and Tomcat's read timeout. A service imports it and provides
 * {@link ApiGuardSettings}.
 */
@Configuration(proxyBeanMethods = false)
@Import(JsonErrorController.class)
public class HttpApiConfiguration {

    @Bean
    FilterRegistrationBean<ApiGuardFilter> apiGuardFilter(ApiGuardSettings settings) {
        FilterRegistrationBean<ApiGuardFilter> registration = new FilterRegistrationBean<>(new ApiGuardFilter(settings));
        registration.addUrlPatterns("/api/*");
        // before every filter that could read a body (only character encoding and tracing come first)
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tomcatHardening(ApiGuardSettings settings) {
        return factory -> {
            // with virtual threads (spring.threads.virtual.enabled) a connection waiting for bytes holds a
            // parked virtual thread, not a pooled worker: slow clients cannot starve the others; this bounds
            // how long each wait may last. Upgraded (WebSocket) connections leave this timeout behind.
            factory.addConnectorCustomizers(connector ->
                    connector.setProperty("connectionTimeout", Long.toString(settings.readTimeout().toMillis())));
            factory.addContextCustomizers(HttpApiConfiguration::jsonContainerErrors,
                    context -> context.getPipeline().addValve(new UnreadBodyValve()));
        };
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
