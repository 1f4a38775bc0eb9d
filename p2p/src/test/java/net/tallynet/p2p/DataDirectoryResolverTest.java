package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DataDirectoryResolverTest {
    private static final Path WORK = Path.of("/work/clone");
    private static final Path HOME = Path.of("/home/user");

    @Test
    void resolvesARelativeDirectoryAgainstTheWorkingDirectory() {
        assertThat(DataDirectoryResolver.resolve("devnet/node1", WORK, HOME)).isEqualTo(Path.of("/work/clone/devnet/node1"));
        assertThat(DataDirectoryResolver.resolve("./data/../data/node/", WORK, HOME)).isEqualTo(Path.of("/work/clone/data/node"));
    }

    @Test
    void keepsAnAbsoluteDirectoryAndExpandsHomeLikeH2AndTheShell() {
        assertThat(DataDirectoryResolver.resolve("/var/lib/tallynet", WORK, HOME)).isEqualTo(Path.of("/var/lib/tallynet"));
        assertThat(DataDirectoryResolver.resolve("~/tallynet", WORK, HOME)).isEqualTo(Path.of("/home/user/tallynet"));
        assertThat(DataDirectoryResolver.resolve("~", WORK, HOME)).isEqualTo(HOME);
    }

    @Test
    void rejectsABlankDirectory() {
        assertThatThrownBy(() -> DataDirectoryResolver.resolve(" ", WORK, HOME))
                .hasMessageContaining("tallynet.data-dir");
    }

    @Test
    void theDatasourceUrlAndTheBoundPropertiesSeeTheSameAbsolutePath() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("commandLine", Map.of(
                "tallynet.data-dir", "devnet/tracker",
                "spring.datasource.url", "jdbc:h2:file:${tallynet.data-dir}/tracker;DB_CLOSE_ON_EXIT=FALSE")));

        new DataDirectoryResolver(new DeferredLogs()).postProcessEnvironment(environment, null);

        Path expected = Path.of(System.getProperty("user.dir"), "devnet", "tracker");
        assertThat(environment.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:h2:file:" + expected + "/tracker;DB_CLOSE_ON_EXIT=FALSE");
        NetworkProperties bound = Binder.get(environment).bind("tallynet", NetworkProperties.class).get();
        assertThat(bound.dataDir()).isEqualTo(expected);
    }

    @Test
    void resolvesTheDefaultWhenNothingIsConfigured() {
        StandardEnvironment environment = new StandardEnvironment();

        new DataDirectoryResolver(new DeferredLogs()).postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("tallynet.data-dir"))
                .isEqualTo(Path.of(System.getProperty("user.dir"), "data").toString());
    }
}
