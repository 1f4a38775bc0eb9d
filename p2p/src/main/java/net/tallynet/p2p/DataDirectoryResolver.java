package net.tallynet.p2p;

import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code tallynet.data-dir} absolute before anything reads it. Users type relative paths
 * ({@code ./tallynet devnet} passes {@code devnet/node1}), and H2 refuses a file URL that is implicitly
 * relative to the working directory, while {@link NetworkProperties#dataDir()} would resolve the same
 * text on its own; so the directory is resolved once, here, and every {@code ${tallynet.data-dir}}
 * (the datasource URL in each application.yml) and the bound properties see the same absolute path.
 */
public class DataDirectoryResolver implements EnvironmentPostProcessor, Ordered {
    static final String PROPERTY = "tallynet.data-dir";
    /** Used when nothing configures the directory; {@link NetworkProperties} binds the same default. */
    static final String DEFAULT = "./data";
    static final String SOURCE_NAME = "tallynetDataDir";

    private final Log log;

    public DataDirectoryResolver(DeferredLogFactory logs) {
        this.log = logs.getLog(DataDirectoryResolver.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(PROPERTY, DEFAULT);
        Path resolved = resolve(configured, Path.of(System.getProperty("user.dir")), Path.of(System.getProperty("user.home")));
        // first place: the resolved value must win over the relative text wherever that came from
        environment.getPropertySources().remove(SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, Map.of(PROPERTY, resolved.toString())));
        log.info("Data directory: " + resolved + (configured.equals(resolved.toString()) ? "" : " (configured as " + configured + ")"));
    }

    /**
     * {@code ~} and {@code ~/x} mean the home directory, as H2 and a shell read them (environment
     * variables reach us unexpanded); anything else relative is taken from the working directory.
     */
    static Path resolve(String configured, Path workingDirectory, Path home) {
        String text = configured.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(PROPERTY + " must not be blank");
        }
        Path path;
        if (text.equals("~")) {
            path = home;
        } else if (text.startsWith("~/")) {
            path = home.resolve(text.substring(2));
        } else {
            path = workingDirectory.resolve(text);
        }
        return path.toAbsolutePath().normalize();
    }

    /** After the configuration files are read (they run at {@code HIGHEST_PRECEDENCE + 10}). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
