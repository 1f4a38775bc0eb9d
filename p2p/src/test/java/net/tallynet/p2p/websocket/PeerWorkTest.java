package net.tallynet.p2p.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeerWorkTest {

    @Test
    void framesBeyondTheWorkThreadsWaitAndRunInTurn() throws Exception {
        PeerWork work = new PeerWork(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        Thread first = Thread.ofPlatform().start(() -> handle(work, () -> {
            ran.add("first");
            firstRunning.countDown();
            waitFor(releaseFirst);
        }));
        assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
        Thread second = Thread.ofPlatform().start(() -> handle(work, () -> ran.add("second")));
        await().atMost(Duration.ofSeconds(5)).until(() -> work.waiting() == 1);
        Thread third = Thread.ofPlatform().start(() -> handle(work, () -> ran.add("third")));
        await().atMost(Duration.ofSeconds(5)).until(() -> work.waiting() == 2);
        assertThat(ran).containsExactly("first"); // the others wait while the one thread is busy

        releaseFirst.countDown();
        for (Thread thread : List.of(first, second, third)) {
            thread.join(5_000);
        }
        assertThat(ran).containsExactly("first", "second", "third"); // in the order they came
        assertThat(work.waiting()).isZero();
    }

    @Test
    void asManyFramesAsWorkThreadsRunAtOnce() throws Exception {
        PeerWork work = new PeerWork(2);
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Runnable task = () -> {
            bothRunning.countDown();
            waitFor(release);
        };
        Thread a = Thread.ofPlatform().start(() -> handle(work, task));
        Thread b = Thread.ofPlatform().start(() -> handle(work, task));
        assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(work.waiting()).isZero();
        release.countDown();
        a.join(5_000);
        b.join(5_000);
    }

    @Test
    void aFrameThatThrowsGivesItsThreadBack() throws Exception {
        PeerWork work = new PeerWork(1);
        assertThatThrownBy(() -> work.handle(() -> {
            throw new IllegalStateException("a handler's fault");
        })).isInstanceOf(IllegalStateException.class);
        List<String> ran = new CopyOnWriteArrayList<>();
        work.handle(() -> ran.add("next"));
        assertThat(ran).containsExactly("next");
    }

    private static void handle(PeerWork work, Runnable task) {
        try {
            work.handle(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
