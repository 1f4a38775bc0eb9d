package net.tallynet.node.api;

import java.util.Set;
import net.tallynet.p2p.BearerTokenInterceptor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class ApiConfiguration implements WebMvcConfigurer {
    private final ApiProperties properties;

    ApiConfiguration(ApiProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // spending (every POST under /api) and lifting bans (DELETE) need the bearer token
        registry.addInterceptor(new BearerTokenInterceptor(properties.token(), Set.of("POST"), "spending_disabled"))
                .addPathPatterns("/api/**");
        registry.addInterceptor(new BearerTokenInterceptor(properties.token(), Set.of("DELETE"), "admin_disabled"))
                .addPathPatterns("/api/**");
    }
}
