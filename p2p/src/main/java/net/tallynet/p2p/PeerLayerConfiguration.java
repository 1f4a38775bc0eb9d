package net.tallynet.p2p;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.tallynet.p2p.http.HttpApiConfiguration;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.p2p.memory.PeerMemoryProperties;
import net.tallynet.p2p.websocket.P2pWebSocketHandler;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.FrameLimits;
import net.tallynet.protocol.message.Message;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Wires the peer layer into a service: the {@code /p2p} endpoint and the session machinery. The
 * service supplies a {@link LocalPeer}, its {@link MessageHandler}s and optionally a {@link PeerListener}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties({P2pProperties.class, NetworkProperties.class, PeerMemoryProperties.class})
public class PeerLayerConfiguration {

    @Bean
    FrameCodec frameCodec(P2pProperties properties) {
        return new FrameCodec(FrameLimits.DEFAULT.withMaxFrameBytes(properties.maxFrameBytes()));
    }

    @Bean
    PeerRegistry peerRegistry() {
        return new PeerRegistry();
    }

    /** Bans outlive restarts: they are kept in {@code <data-dir>/peer-bans.txt}. */
    @Bean
    BanList banList(P2pProperties properties, NetworkProperties network) {
        return new BanList(properties, Clock.systemUTC(), new FileBanStore(network.dataDir().resolve("peer-bans.txt")));
    }

    @Bean
    BanController banController(BanList bans) {
        return new BanController(bans);
    }

    @Bean
    P2pMetrics p2pMetrics(MeterRegistry registry, ObjectProvider<KnownRejections> rejections) {
        return new P2pMetrics(registry, rejections.orderedStream().flatMap(r -> r.labels().stream()).toList());
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService peerScheduler() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("peer-timer").daemon().factory());
    }

    /**
     * Each connection's writer, the closes of slow readers and the close callbacks, on virtual threads:
     * a writer blocked on a peer that does not read holds a few KB, not a platform thread.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService peerTasks() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("peer-io-", 0).factory());
    }

    /** The one budget of what peers can make this process keep, sized to the heap unless set (PROTOCOL.md 8). */
    @Bean
    PeerMemory peerMemory(PeerMemoryProperties properties, MeterRegistry registry) {
        return new PeerMemory(properties.totalBytes(Runtime.getRuntime().maxMemory()), properties.perPeer().toBytes(),
                registry);
    }

    @Bean
    PeerContext peerContext(LocalPeer local, FrameCodec codec, List<MessageHandler<? extends Message>> handlers,
                            PeerRegistry registry, BanList bans, P2pMetrics metrics, P2pProperties properties,
                            ScheduledExecutorService peerScheduler, ObjectProvider<PeerListener> listener,
                            PeerMemory memory) {
        return new PeerContext(local, codec, new MessageHandlers(handlers), registry, bans, metrics, properties,
                peerScheduler, listener.getIfAvailable(() -> PeerListener.NONE), memory);
    }

    @Bean
    P2pWebSocketHandler p2pWebSocketHandler(PeerContext context, ExecutorService peerTasks) {
        return new P2pWebSocketHandler(context, peerTasks);
    }

    /**
     * On shutdown, peers are closed after the periodic tasks (dialling, relay) have stopped and before
     * the web server and the database: frames still arriving would otherwise meet a closed data source.
     * A higher phase stops earlier: tasks run at {@code MAX_VALUE - 100}, the web server far below.
     * Closes are queued behind each peer's frames, so this waits until every connection has closed and
     * its listeners have run; a writer stuck on a peer that does not read gives up after the send time limit.
     */
    @Bean
    StopHook peerShutdown(P2pWebSocketHandler handler, P2pProperties properties) {
        return new StopHook(Integer.MAX_VALUE - 200, () -> handler.closeAll(properties.sendTimeLimit().plusSeconds(2)));
    }

    @Bean
    WebSocketConfigurer p2pEndpoint(P2pWebSocketHandler handler) {
        return registry -> registry.addHandler(handler, HttpApiConfiguration.P2P_PATH).addInterceptors(handler.admission());
    }

    /**
     * The P2P port (the main connector; REST has its own, {@link net.tallynet.p2p.http.ApiServer}) keeps the socket
     * buffers of up to {@code socket-buffer-cache} closed connections for the next ones (see {@link P2pProperties}).
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> p2pSocketBufferCache(P2pProperties properties) {
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (!connector.setProperty("socket.bufferPool", Integer.toString(properties.socketBufferCache()))) {
                throw new IllegalStateException("the P2P connector took no socket.bufferPool");
            }
        });
    }

    /**
     * The container allocates its text buffer for every session during the upgrade, so it stays small;
     * larger frames arrive in parts and are assembled up to the frame limit by the handler.
     */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer(P2pProperties properties) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(properties.receiveBufferBytes());
        container.setMaxBinaryMessageBufferSize(1024);
        return container;
    }
}
