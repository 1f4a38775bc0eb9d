package net.tallynet.tracker.api;

import java.util.Map;
import java.util.Set;
import net.tallynet.p2p.http.ApiGuardSettings;
import net.tallynet.p2p.http.HttpApiConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The tracker's REST limits: every changing request under /api (today only lifting a ban) needs the
 * bearer token; no endpoint takes a body, so none may carry more than a little.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
@Import(HttpApiConfiguration.class)
class ApiConfiguration {

    @Bean
    ApiGuardSettings apiGuardSettings(ApiProperties properties) {
        return new ApiGuardSettings(properties.token(), Map.of("DELETE", "admin_disabled"), Map.of(),
                properties.maxBodyBytes().other(), properties.bodyTimeout(), properties.readTimeout(), Set.of(), 1, 1);
    }
}
