package net.tallynet.node;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredUtxo;
import net.tallynet.node.chain.UtxoRepository;
import net.tallynet.p2p.http.ApiServer;
import net.tallynet.tracker.TrackerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Trackers and nodes as full Spring contexts in this JVM, each on its own loopback port with its own
 * H2 files under one directory; closed together. Nodes run the easy chain and dial fast, so
 * end-to-end tests take seconds.
 */
public final class TestNetwork implements AutoCloseable {
    private final Path dir;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    public TestNetwork(Path dir) {
        this.dir = dir;
    }

    public ConfigurableApplicationContext tracker(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.checks.enabled=false"));
        args.addAll(List.of(extra));
        return started(new SpringApplicationBuilder(TrackerApplication.class).run(args.toArray(String[]::new)));
    }

    /**
     * A node on a free port; {@code extra} arguments (--key=value) override the defaults. Every test node
     * listens on 127.0.0.1, one netgroup, so the one-outbound-per-netgroup rule is lifted as on a devnet;
     * the tests of that rule set it back.
     */
    public ConfigurableApplicationContext node(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.chain.preset=easy",
                "--tallynet.peers.connect-interval=300ms", "--tallynet.tracker.register-interval=1s",
                "--tallynet.peers.max-outbound-per-netgroup=8"));
        // a default given again is replaced, not repeated (Spring joins a repeated option's values with commas)
        for (String argument : extra) {
            String key = argument.contains("=") ? argument.substring(0, argument.indexOf('=') + 1) : argument;
            args.removeIf(existing -> existing.startsWith(key));
        }
        args.addAll(List.of(extra));
        return started(new SpringApplicationBuilder(NodeApplication.class).run(args.toArray(String[]::new)));
    }

    public static String trackerUrl(ConfigurableApplicationContext tracker) {
        return "--tallynet.tracker.urls=ws://127.0.0.1:" + port(tracker) + "/p2p";
    }

    public static String seed(ConfigurableApplicationContext node) {
        return "--tallynet.peers.seeds=127.0.0.1:" + port(node);
    }

    /** The P2P port ({@code server.port}): what peers and the tracker dial; it serves only {@code /p2p}. */
    public static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The API port ({@code tallynet.api.port}): REST, the dashboard and actuator. */
    public static int apiPort(ConfigurableApplicationContext context) {
        return ApiServer.port(context);
    }

    public static Chain chain(ConfigurableApplicationContext node) {
        return node.getBean(Chain.class);
    }

    /** A counter's value in this node's own registry (0 if it was never registered). */
    public static double count(ConfigurableApplicationContext context, String name, String... tags) {
        var counter = context.getBean(MeterRegistry.class).find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The node's whole unspent-output set as sorted text, to compare nodes. */
    public static TreeSet<String> utxoSet(ConfigurableApplicationContext node) {
        TreeSet<String> set = new TreeSet<>();
        node.getBean(ChainStore.class).flushCoins(); // the table lags the cache until a batch is written
        for (StoredUtxo stored : node.getBean(UtxoRepository.class).findAll()) {
            var utxo = stored.toUtxo();
            set.add(stored.getId() + " " + utxo);
        }
        return set;
    }

    public void stop(ConfigurableApplicationContext context) {
        contexts.remove(context);
        context.close();
    }

    private ConfigurableApplicationContext started(ConfigurableApplicationContext context) {
        contexts.add(context);
        return context;
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext context : contexts.reversed()) {
            context.close();
        }
        contexts.clear();
    }
}
