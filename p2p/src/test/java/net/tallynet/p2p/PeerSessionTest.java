package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerSessionTest {
    private static final String DEVNET = Genesis.networkId("devnet");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<GetAddrMessage> handled = new ArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void handshakeEstablishesBothSidesInTheProtocolOrder() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);

        assertThat(pair.outbound.isEstablished()).isTrue();
        assertThat(pair.inbound.isEstablished()).isTrue();
        assertThat(pair.toB.sent).extracting(Message::method).containsExactly(Method.HELLO, Method.HEY);
        assertThat(pair.toA.sent).extracting(Message::method).containsExactly(Method.HEY, Method.HELLO);
        assertThat(pair.inbound.remoteHello().nodeId()).isEqualTo("aaaaaaaaaaaaaaaa");
        assertThat(a.registry.isConnected("bbbbbbbbbbbbbbbb")).isTrue();
        assertThat(gauge(a, "outbound")).isEqualTo(1.0);
        assertThat(gauge(b, "inbound")).isEqualTo(1.0);
    }

    @Test
    void refusesConnectionToItself() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side sameId = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Pair pair = connect(a, sameId);
        assertThat(pair.toA.closedWith).isEqualTo(CloseReason.SELF_CONNECTION);
        assertThat(pair.inbound.isEstablished()).isFalse();
    }

    @Test
    void refusesPeerOfAnotherNetwork() {
        Pair pair = connect(new Side("aaaaaaaaaaaaaaaa", DEVNET),
                new Side("bbbbbbbbbbbbbbbb", Genesis.networkId("testnet")));
        assertThat(pair.toA.closedWith).isEqualTo(CloseReason.WRONG_NETWORK);
    }

    @Test
    void refusesSecondConnectionFromTheSameNode() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        connect(a, b);
        Pair second = connect(a, b);
        assertThat(second.toA.closedWith).isEqualTo(CloseReason.DUPLICATE_CONNECTION);
        assertThat(b.registry.size()).isEqualTo(1);
    }

    @Test
    void aConnectionWeClosedGivesWayToTheSameNodesNextOne() {
        // a tracker closes each registration once answered; the member may register again before that
        // connection's end has reached the tracker
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair first = connect(a, b);
        first.inbound.close(CloseReason.NORMAL, "registered");
        first.outbound.onClosed(); // the member sees the close and dials again; b has not seen the end yet

        Pair second = connect(a, b);
        assertThat(second.toA.closedWith).as("b's end of the next connection").isNull();
        assertThat(second.toB.closedWith).as("a's end of the next connection").isNull();
        assertThat(b.registry.established()).containsExactly(second.inbound);
        assertThat(closed(b, CloseReason.DUPLICATE_CONNECTION)).as("closed as duplicates at b").isZero();

        first.inbound.onClosed(); // its end reaches b at last
        assertThat(b.registry.established()).containsExactly(second.inbound);
        assertThat(gauge(b, "inbound")).isEqualTo(1);
    }

    @Test
    void aConnectionWeClosedStillWinsOverOneTheOtherSideOpened() {
        // between connections opened by each side the lower id decides at both ends, whichever end closed its own
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair openedByA = connect(a, b);
        openedByA.inbound.close(CloseReason.NORMAL, null); // b closes it; neither end has seen the end yet

        Pair openedByB = connect(b, a);
        assertThat(openedByB.toB.closedWith).isEqualTo(CloseReason.DUPLICATE_CONNECTION);
        assertThat(openedByB.toA.closedWith).isEqualTo(CloseReason.DUPLICATE_CONNECTION);
        assertThat(b.registry.established()).containsExactly(openedByA.inbound);
    }

    @Test
    void nodesDiallingEachOtherKeepTheSameConnectionAtBothEnds() {
        // whichever handshake completes first, both sides keep the connection the lower id (a) opened
        for (boolean lowerDialsFirst : new boolean[] {true, false}) {
            Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
            Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
            Pair first = lowerDialsFirst ? connect(a, b) : connect(b, a);
            Pair second = lowerDialsFirst ? connect(b, a) : connect(a, b);
            Pair openedByA = lowerDialsFirst ? first : second;
            Pair openedByB = lowerDialsFirst ? second : first;

            assertThat(openedByA.toB.closedWith).as("a's end of the connection a opened").isNull();
            assertThat(openedByA.toA.closedWith).as("b's end of the connection a opened").isNull();
            assertThat(openedByB.toB.closedWith).isEqualTo(CloseReason.DUPLICATE_CONNECTION);
            assertThat(openedByB.toA.closedWith).isEqualTo(CloseReason.DUPLICATE_CONNECTION);
            assertThat(a.registry.established()).containsExactly(openedByA.outbound);
            assertThat(b.registry.established()).containsExactly(openedByA.inbound);
        }
    }

    @Test
    void methodBeforeHandshakeClosesTheConnection() {
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.2");
        PeerSession session = new PeerSession(toPeer, b.context);
        session.onFrame("{\"GETADDR\":{\"port\":8081}}");
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.HANDSHAKE_REQUIRED);
        assertThat(handled).isEmpty();
        assertThat(rejected(b, "handshake_required")).isEqualTo(1.0);
    }

    @Test
    void heyWithoutHelloClosesTheConnection() {
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.2");
        new PeerSession(toPeer, b.context).onFrame("{\"HEY\":{}}");
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.HANDSHAKE_REQUIRED);
    }

    @Test
    void establishedTrafficReachesTheHandler() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);
        pair.outbound.send(new GetAddrMessage(8081));
        assertThat(handled).containsExactly(new GetAddrMessage(8081));
    }

    @Test
    void methodNotServedIsRejectedAndCharged() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);
        pair.outbound.send(new BroadcastBlockMessage(1, DEVNET));
        assertThat(rejected(b, "unsupported_method")).isEqualTo(1.0);
        assertThat(pair.inbound.misbehaviour()).isEqualTo(10);
        assertThat(pair.toA.closedWith).isNull();
    }

    @Test
    void malformedFramesAreCountedByReasonThenThePeerIsBanned() {
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.9");
        PeerSession session = new PeerSession(toPeer, b.context);
        for (int i = 0; i < 9; i++) {
            session.onFrame("not json");
        }
        assertThat(toPeer.closedWith).isNull();
        assertThat(rejected(b, "not_json")).isEqualTo(9.0);
        session.onFrame("{\"hello\":{}}");
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.MISBEHAVIOUR);
        assertThat(toPeer.closeDetail).isEqualTo("misbehaviour:unknown_method");
        assertThat(b.bans.isBanned("127.0.0.9")).isTrue();
        assertThat(b.meters.get("tallynet.bans").counter().count()).isEqualTo(1.0);
        assertThat(handled).isEmpty();
    }

    @Test
    void floodBeyondTheBurstIsDisconnected() {
        // a burst of 5 refilled at 1/s: the 6th message within a second is over the limit, however slow the machine
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET, burstOfFive());
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.3");
        PeerSession session = helloFrom(b, toPeer);
        for (int i = 0; i < 4; i++) {
            session.onFrame("{\"HEY\":{}}");
        }
        assertThat(toPeer.closedWith).isNull();
        session.onFrame("{\"HEY\":{}}");
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.RATE_LIMITED);
        assertThat(rejected(b, "rate_limited")).isEqualTo(1.0);
    }

    /** Block batches (PROTOCOL.md 12.2): what we asked for, such as the blocks of one batch, is no flood. */
    @Test
    void framesWeSolicitedDoNotCountAgainstTheRate() {
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET, burstOfFive());
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.4");
        PeerSession session = helloFrom(b, toPeer);
        for (int i = 0; i < 20; i++) {
            session.onFrame("{\"HEY\":{}}");
            session.solicited();
        }
        assertThat(toPeer.closedWith).isNull();
        for (int i = 0; i < 5; i++) {
            session.onFrame("{\"HEY\":{}}");
        }
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.RATE_LIMITED);
    }

    /** A session of {@code side} with an inbound peer that has sent its HELLO (one message of its rate). */
    private static PeerSession helloFrom(Side side, InMemoryConnection toPeer) {
        PeerSession session = new PeerSession(toPeer, side.context);
        session.onFrame(new FrameCodec().encode(helloOf("cccccccccccccccc", DEVNET)));
        return session;
    }

    /** Messages: a burst of 5, refilled at 1 a second. */
    private static P2pProperties burstOfFive() {
        P2pProperties d = P2pProperties.defaults();
        return new P2pProperties(d.handshakeTimeout(), d.rejectionPenalty(), d.misbehaviourThreshold(),
                d.banDuration(), d.maxBannedAddresses(), 1, 5, d.sendBufferBytes(), d.sendTimeLimit(), d.maxInbound(),
                d.maxFrameBytes(), d.pingInterval(), d.pingTimeout(), d.bytesPerSecond(), d.byteBurst(),
                d.receiveBufferBytes(), d.misbehaviourMemory(), d.closeGrace(), d.maxAssemblingBytes(), d.frameTimeLimit(),
                d.maxSendBytes(), d.workThreads(), d.socketBufferCache());
    }

    @Test
    void binaryFrameClosesTheConnection() {
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        InMemoryConnection toPeer = new InMemoryConnection(Direction.INBOUND, "127.0.0.2");
        new PeerSession(toPeer, b.context).onBinaryFrame();
        assertThat(toPeer.closedWith).isEqualTo(CloseReason.BINARY_FRAME);
    }

    @Test
    void handshakeTimeoutClosesOnlyUnfinishedHandshakes() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);
        pair.inbound.onHandshakeTimeout();
        assertThat(pair.toA.closedWith).isNull();

        InMemoryConnection silent = new InMemoryConnection(Direction.INBOUND, "127.0.0.4");
        new PeerSession(silent, b.context).onHandshakeTimeout();
        assertThat(silent.closedWith).isEqualTo(CloseReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void laterHelloRefreshesTheSummaryAndIsAnsweredWithHey() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);
        a.blockCount = 7;
        pair.outbound.send(a.hello());
        assertThat(pair.inbound.remoteHello().blockCount()).isEqualTo(7);
        assertThat(pair.toA.sent.getLast()).isInstanceOf(HeyMessage.class);
    }

    @Test
    void aHandshakeBrokenOffAfterRegistrationDoesNotLockThePeerOut() {
        // b dialled a first; a's own connection then replaces it at b, and closing b's (just ended, in one CI run)
        // threw out of the handshake: the new session stayed registered, never established. Before, it held a's
        // place at b for good, and every later connection from a was refused as its duplicate
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair openedByB = connect(b, a);
        openedByB.toB.failOnClose = new IllegalStateException("The WebSocket session has been closed"); // b's end
        assertThatThrownBy(() -> connect(a, b)).isInstanceOf(IllegalStateException.class);
        // the transport reports the broken-off connection closed, as Spring's handler did after the exception
        for (PeerSession session : b.registry.established()) {
            if (!session.isEstablished()) {
                session.onClosed();
            }
        }

        Pair again = connect(a, b);
        assertThat(again.toA.closedWith).as("b's end of a's next connection").isNull();
        assertThat(b.registry.established()).contains(again.inbound);
    }

    @Test
    void closedSessionLeavesTheRegistry() {
        Side a = new Side("aaaaaaaaaaaaaaaa", DEVNET);
        Side b = new Side("bbbbbbbbbbbbbbbb", DEVNET);
        Pair pair = connect(a, b);
        pair.inbound.onClosed();
        assertThat(b.registry.isConnected("aaaaaaaaaaaaaaaa")).isFalse();
        assertThat(gauge(b, "inbound")).isZero();
    }

    /** {@code a} dials {@code b}; each sees the other at that side's own address, whoever dials. */
    private Pair connect(Side a, Side b) {
        InMemoryConnection toB = new InMemoryConnection(Direction.OUTBOUND, b.host);
        InMemoryConnection toA = new InMemoryConnection(Direction.INBOUND, a.host);
        PeerSession outbound = new PeerSession(toB, a.context);
        PeerSession inbound = new PeerSession(toA, b.context);
        toB.other = inbound;
        toA.other = outbound;
        inbound.start();
        outbound.start();
        return new Pair(outbound, inbound, toB, toA);
    }

    private static HelloMessage helloOf(String nodeId, String network) {
        return new HelloMessage(1, network, 1, network, 1_764_000_000_000L, 8081, nodeId, "test/1", "node");
    }

    private static double gauge(Side side, String direction) {
        return side.meters.get("tallynet.peers").tag("direction", direction).gauge().value();
    }

    private static double closed(Side side, CloseReason reason) {
        return counted(side, "tallynet.connections.closed", reason.label());
    }

    private static double rejected(Side side, String reason) {
        return counted(side, "tallynet.frames.rejected", reason);
    }

    /** The count of {@code meter} with this reason; 0 while nothing has made the counter. */
    private static double counted(Side side, String meter, String reason) {
        var counter = side.meters.find(meter).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private record Pair(PeerSession outbound, PeerSession inbound, InMemoryConnection toB, InMemoryConnection toA) {
    }

    private final class Side implements LocalPeer {
        final String nodeId;
        final String network;
        /** Where the other sides see this one: one address per node id. */
        final String host;
        long blockCount = 1;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final PeerRegistry registry = new PeerRegistry();
        final BanList bans = new BanList(P2pProperties.defaults(), Clock.systemUTC());
        final PeerContext context;

        Side(String nodeId, String network) {
            this(nodeId, network, P2pProperties.defaults());
        }

        Side(String nodeId, String network, P2pProperties properties) {
            this.nodeId = nodeId;
            this.network = network;
            this.host = "127.0.0." + (1 + Math.floorMod(nodeId.hashCode(), 250));
            MessageHandler<GetAddrMessage> getAddr = new MessageHandler<>() {
                @Override
                public Method method() {
                    return Method.GETADDR;
                }

                @Override
                public void handle(PeerSession peer, GetAddrMessage message) {
                    handled.add(message);
                }
            };
            this.context = new PeerContext(this, new FrameCodec(), new MessageHandlers(List.of(getAddr)), registry,
                    bans, new P2pMetrics(meters), properties, scheduler, PeerListener.NONE, PeerMemory.UNBOUNDED);
        }

        @Override
        public String nodeId() {
            return nodeId;
        }

        @Override
        public String networkId() {
            return network;
        }

        @Override
        public HelloMessage hello() {
            return new HelloMessage(1, network, blockCount, network, 1_764_000_000_000L, 8081, nodeId, "test/1", "node");
        }
    }
}
