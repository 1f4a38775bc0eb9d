package net.tallynet.p2p.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.tallynet.p2p.memory.PeerMemory;
import org.junit.jupiter.api.Test;

/**
 * Frames in parts take from one budget shared by all peers, by the capacity they hold, and give it
 * back when handled or when their connection goes; a frame must arrive within its time limit.
 */
class FrameAssemblerTest {
    private static final long LIMIT = Duration.ofMillis(300).toNanos();

    @Test
    void aWholeFrameInOnePartTakesNothing() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler assembler = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        assertThat(assembler.add("{\"HEY\":{}}", true)).isEqualTo("{\"HEY\":{}}");
        assertThat(budget.used()).isZero();
    }

    @Test
    void partsHoldTheirCapacityUntilTheFrameIsHandled() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler assembler = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        assertThat(assembler.add("a".repeat(100), false)).isNull();
        assertThat(budget.used()).as("twice the first part, for the parts to come").isEqualTo(200);
        String frame = assembler.add("b".repeat(150), true);
        assertThat(frame).hasSize(250);
        assertThat(budget.used()).as("grown to fit, held while the frame is handled").isEqualTo(400);
        assembler.done();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aPartThatFindsNoRoomWaitsThenIsRefusedAndTheOtherFrameCompletes() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler greedy = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), Duration.ofSeconds(10).toNanos());
        FrameAssembler other = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        greedy.add("g".repeat(450), false); // holds 900 of 1000
        long start = System.nanoTime();
        assertThatThrownBy(() -> other.add("o".repeat(100), false)).isInstanceOfSatisfying(
                FrameAssembler.RefusedException.class, e -> assertThat(e.refusal()).isEqualTo(FrameAssembler.Refusal.NO_BUDGET));
        assertThat(System.nanoTime() - start).as("waited for room up to its time limit").isGreaterThanOrEqualTo(LIMIT);
        assertThat(budget.used()).isEqualTo(900);

        // room that comes free while a part waits lets it in
        FrameAssembler patient = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), Duration.ofSeconds(10).toNanos());
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return patient.add("p".repeat(100), false) == null ? "in" : "a whole frame";
            } catch (Exception e) {
                return e.toString();
            }
        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        greedy.drop(); // the greedy peer's connection closed
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("in");
    }

    @Test
    void aPartBeyondLatinOneCountsTwoBytesACharacter() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler assembler = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        assembler.add("a".repeat(100), false);
        assertThat(budget.used()).isEqualTo(200);
        assembler.add("\u20ac", false); // the builder turns to two bytes a character: its capacity costs twice
        assertThat(budget.used()).isEqualTo(400);
        assembler.drop();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aPartWaitingForRoomStopsWaitingWhenItsConnectionCloses() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler greedy = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), Duration.ofSeconds(30).toNanos());
        FrameAssembler closing = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), Duration.ofSeconds(30).toNanos());
        greedy.add("g".repeat(450), false);
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                closing.add("c".repeat(100), false);
                return "in";
            } catch (FrameAssembler.RefusedException e) {
                return e.refusal().name();
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        closing.drop(); // its connection closed: the read thread must not wait out its 30 s
        assertThat(waiting.get(2, TimeUnit.SECONDS)).isEqualTo("NO_BUDGET");
        assertThat(budget.used()).isEqualTo(900);
    }

    @Test
    void aFrameSlowerThanItsTimeLimitIsRefused() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler assembler = new FrameAssembler(1000, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        assembler.add("a".repeat(10), false);
        Thread.sleep(Duration.ofNanos(LIMIT).toMillis() + 50);
        assertThat(assembler.assemblingNanos()).isGreaterThan(LIMIT);
        assertThatThrownBy(() -> assembler.add("b", false)).isInstanceOfSatisfying(
                FrameAssembler.RefusedException.class, e -> assertThat(e.refusal()).isEqualTo(FrameAssembler.Refusal.TOO_SLOW));
        assertThat(budget.used()).isZero();
    }

    @Test
    void aFramePastTheFrameLimitIsRefusedAndGivesItsBudgetBack() throws Exception {
        AssemblyBudget budget = new AssemblyBudget(1000, PeerMemory.UNBOUNDED);
        FrameAssembler assembler = new FrameAssembler(300, budget, PeerMemory.UNBOUNDED.open(), LIMIT);
        assembler.add("a".repeat(200), false);
        assertThatThrownBy(() -> assembler.add("b".repeat(200), false)).isInstanceOfSatisfying(
                FrameAssembler.RefusedException.class, e -> assertThat(e.refusal()).isEqualTo(FrameAssembler.Refusal.TOO_LARGE));
        assertThat(budget.used()).isZero();
    }
}
