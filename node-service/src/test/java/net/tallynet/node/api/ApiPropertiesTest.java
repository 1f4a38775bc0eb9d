package net.tallynet.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code tallynet.api.*} as the node binds it at start: a guessable token is a startup failure, not a warning. */
class ApiPropertiesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void startupIsRefusedWithAKnownPlaceholderWhateverItsCase() {
        for (String placeholder : new String[] {"change-me", "CHANGE-ME", "ChangeMe", "secret", "password", "admin",
                "Change-Me-Please", "0123456789abcdef"}) {
            runner.withPropertyValues("tallynet.api.token=" + placeholder).run(context ->
                    assertThat(context).getFailure().rootCause().as(placeholder)
                            .hasMessageContaining("tallynet.api.token is a well-known placeholder")
                            .hasMessageContaining("openssl rand -hex 16"));
        }
    }

    @Test
    void startupIsRefusedWithATokenShorterThan16Characters() {
        runner.withPropertyValues("tallynet.api.token=k3Xq9-zr7TmW2aB").run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("tallynet.api.token is 15 characters, fewer than 16")
                        .hasMessageContaining("openssl rand -hex 16"));
    }

    @Test
    void aRandomTokenOrNoneStarts() {
        runner.withPropertyValues("tallynet.api.token=5f0c2a9e8b7d41c3a6e2f9d01b4c7e88").run(context ->
                assertThat(context.getBean(ApiProperties.class).token()).hasSize(32));
        // blank: the spending endpoints stay off, as before; an empty token file means none too
        runner.withPropertyValues("tallynet.api.token=", "tallynet.api.token-file=").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ApiProperties.class).tokenFile()).isNull();
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ApiProperties.class)
    static class Bound {
    }
}
