package net.tallynet.node.api;

import java.util.Map;
import java.util.Set;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.p2p.http.ApiGuardSettings;
import net.tallynet.p2p.http.HttpApiConfiguration;
import net.tallynet.p2p.http.StrictJsonBodyConverter;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.StrictJsonReader;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The node's REST limits: which requests need the token (set, or kept in the token file), each endpoint's
 * body limit, the rate of the costly ones.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ApiProperties.class, NetworkProperties.class})
@Import(HttpApiConfiguration.class)
class ApiConfiguration implements WebMvcConfigurer {
    static final String PAYMENTS = "POST /api/payments";
    static final String TRANSACTIONS = "POST /api/transactions";
    static final String GENERATE = "POST /api/blocks/generate";
    /** The request bodies read by the strict reader (the raw transaction is read by the frame codec itself). */
    static final Set<Class<? extends Record>> STRICT_BODIES = Set.of(NodeController.PaymentRequest.class,
            NodeController.GenerateRequest.class);

    private final FrameCodec codec;

    ApiConfiguration(FrameCodec codec) {
        this.codec = codec;
    }

    @Bean
    ApiGuardSettings apiGuardSettings(ApiProperties properties, NetworkProperties network) {
        ApiProperties.MaxBodyBytes max = properties.maxBodyBytes();
        long frameLimit = codec.limits().maxFrameBytes();
        // a token that is set wins; the file is read (or made) only without one
        boolean fromFile = (properties.token() == null || properties.token().isBlank()) && properties.tokenFile() != null;
        String token = fromFile ? ApiTokenFile.readOrCreate(network.dataDir().resolve(properties.tokenFile()))
                : properties.token();
        return new ApiGuardSettings(token,
                // spending (every POST under /api) and lifting bans (DELETE) need the bearer token
                Map.of("POST", "spending_disabled", "DELETE", "admin_disabled"),
                Map.of(PAYMENTS, max.payments(), GENERATE, max.generate(),
                        TRANSACTIONS, max.transactions() == 0 ? frameLimit : Math.min(max.transactions(), frameLimit)),
                max.other(), properties.bodyTimeout(), properties.readTimeout(),
                Set.of(PAYMENTS, TRANSACTIONS, GENERATE),
                properties.rateLimit().requestsPerSecond(), properties.rateLimit().burst());
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder converters) {
        converters.addCustomConverter(new StrictJsonBodyConverter(new StrictJsonReader(codec.limits()), Set.copyOf(STRICT_BODIES)));
    }
}
