package net.tallynet.node.api;

import net.tallynet.p2p.http.SecurityHeadersFilter;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.webjars.WebJarVersionLocator;

/**
 * The API explorer at {@code /api/explorer}: Swagger UI's own files from its webjar in the node's jar (nothing
 * from a CDN), opened on {@code /api/openapi.json} by this service's {@code explorer/swagger-initializer.js}
 * (no petstore, no call to the online validator), which is found before the webjar's.
 */
@Configuration(proxyBeanMethods = false)
class ApiExplorer implements WebMvcConfigurer {
    /** The one path the security headers give the explorer's policy (inline styles): shared, so the two cannot part. */
    static final String PATH = SecurityHeadersFilter.EXPLORER;

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController(PATH, PATH + "/index.html");
        registry.addRedirectViewController(PATH + "/", PATH + "/index.html");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        String version = new WebJarVersionLocator().version("swagger-ui");
        if (version == null) {
            throw new IllegalStateException("the swagger-ui webjar is missing from the class path");
        }
        registry.addResourceHandler(PATH + "/**").addResourceLocations("classpath:/explorer/",
                "classpath:/META-INF/resources/webjars/swagger-ui/" + version + "/");
    }
}
