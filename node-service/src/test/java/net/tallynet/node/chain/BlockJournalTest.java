package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block journal on real files: what a later process reads back, torn and damaged records, checkpoints. */
class BlockJournalTest {
    @TempDir
    Path dir;

    @Test
    void aLaterProcessReadsBackWhatEarlierOnesAppendedInOrder() {
        try (BlockJournal first = BlockJournal.open(dir, false)) {
            first.append(bytes("one"), () -> null);
            first.append(bytes("two"), () -> null);
        }
        try (BlockJournal second = BlockJournal.open(dir, true)) {
            second.append(bytes("three"), () -> null);
        }
        try (BlockJournal third = BlockJournal.open(dir, false)) {
            assertThat(replayed(third)).containsExactly("one", "two", "three");
            third.append(bytes("four"), () -> null);
            // its own segment is not "earlier"
            assertThat(replayed(third)).containsExactly("one", "two", "three");
        }
    }

    @Test
    void framesOfEverySizeComeBackWholeAndAnInterruptedThreadStillAppends() {
        // small, past the kept buffer's first size, one larger than any kept buffer (a block near the frame limit), small
        List<byte[]> frames = List.of(filled(3, 1), filled(200_000, 2), filled(1_500_000, 3), filled(70_000, 4));
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            for (byte[] frame : frames.subList(0, 3)) {
                journal.append(frame, () -> null);
            }
            // a thread a shutdown interrupted: its append is not refused, and it still learns of the interrupt
            Thread.currentThread().interrupt();
            try {
                journal.append(frames.get(3), () -> null);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            journal.append(bytes("after"), () -> null);
        }
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            List<byte[]> read = new ArrayList<>();
            journal.replayEarlier(read::add);
            assertThat(read).hasSize(5);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(read.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
            }
            assertThat(new String(read.get(4), StandardCharsets.UTF_8)).isEqualTo("after");
        }
        assertThat(segments()).as("no append failed over to a new segment").hasSize(2);
    }

    @Test
    void interruptsDuringSyncedAppendsFailOnlyThoseAppendsAndWhatWasAppendedComesBack() throws Exception {
        List<Integer> appended = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BlockJournal journal = BlockJournal.open(dir, true)) {
            Thread appender = new Thread(() -> {
                for (int i = 0; i < 40; i++) {
                    try {
                        journal.append(numbered(i), () -> null);
                        appended.add(i);
                    } catch (java.io.UncheckedIOException refused) {
                        // interrupted during its write or its force: refused, as the caller then refuses the block
                    }
                }
            });
            appender.start();
            while (appender.isAlive()) { // during writes, forces and the opening of new segments, whichever it hits
                appender.interrupt();
                Thread.sleep(0, 200_000);
            }
            // whatever the interrupts closed, the next append from a thread nobody interrupts is not refused
            journal.append(bytes("after"), () -> null);
        }
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            List<byte[]> read = new ArrayList<>();
            journal.replayEarlier(read::add);
            assertThat(new String(read.getLast(), StandardCharsets.UTF_8)).isEqualTo("after");
            List<Integer> replayed = read.subList(0, read.size() - 1).stream()
                    .map(frame -> java.nio.ByteBuffer.wrap(frame).getInt()).toList();
            // a record written whole before its force was interrupted comes back though its append was refused
            assertThat(replayed).as("replayed in order").isSorted().containsAll(appended);
            for (byte[] frame : read.subList(0, read.size() - 1)) {
                assertThat(frame).isEqualTo(numbered(java.nio.ByteBuffer.wrap(frame).getInt()));
            }
        }
    }

    /** 200 KB (past the kept buffer's first size), numbered in its first four bytes. */
    private static byte[] numbered(int number) {
        byte[] frame = filled(200_000, number);
        java.nio.ByteBuffer.wrap(frame).putInt(number);
        return frame;
    }

    @Test
    void aRecordCutShortOrDamagedEndsItsSegmentAndNothingBeforeItIsLost() throws Exception {
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            journal.append(bytes("kept"), () -> null);
            journal.append(bytes("cut short by the kill"), () -> null);
        }
        Path segment = onlySegment();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 5);
        }
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            assertThat(replayed(journal)).containsExactly("kept");
        }

        // a tail of zeros (what a power cut can leave) reads as the end, not as an empty record
        Path zeros = Files.createDirectories(dir.resolve("zeros"));
        try (BlockJournal journal = BlockJournal.open(zeros, false)) {
            journal.append(bytes("kept"), () -> null);
        }
        Files.write(zeros.resolve("00000001.log"), new byte[64], java.nio.file.StandardOpenOption.APPEND);
        try (BlockJournal journal = BlockJournal.open(zeros, false)) {
            assertThat(replayed(journal)).containsExactly("kept");
        }

        Path other = Files.createDirectories(dir.resolve("damaged"));
        try (BlockJournal journal = BlockJournal.open(other, false)) {
            journal.append(bytes("kept"), () -> null);
            journal.append(bytes("damaged"), () -> null);
        }
        byte[] content = Files.readAllBytes(other.resolve("00000001.log"));
        content[content.length - 1] ^= 1;
        Files.write(other.resolve("00000001.log"), content);
        try (BlockJournal journal = BlockJournal.open(other, false)) {
            assertThat(replayed(journal)).containsExactly("kept");
        }
    }

    @Test
    void aCheckpointDeletesEarlierSegmentsOnlyAfterTheStoreIsFlushed() throws Exception {
        try (BlockJournal earlier = BlockJournal.open(dir, false)) {
            earlier.append(bytes("left by a killed process"), () -> null);
        }
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            journal.append(bytes("this process"), () -> null);
            long pending = journal.pendingBytes();
            assertThat(pending).isPositive();
            // a flush that fails leaves what it was to cover pending: a restart would still replay it
            assertThatThrownBy(() -> journal.checkpoint(() -> {
                throw new IllegalStateException("the disk is full");
            })).hasMessageContaining("the disk is full");
            assertThat(journal.pendingBytes()).isEqualTo(pending);
            List<Integer> segmentsSeenByTheFlush = new ArrayList<>();
            List<Long> pendingDuringTheFlush = new ArrayList<>();
            int deleted = journal.checkpoint(() -> {
                segmentsSeenByTheFlush.add(count(segments()));
                pendingDuringTheFlush.add(journal.pendingBytes());
            });
            // the flush ran with the old segments still there, and the new ones begun (one per checkpoint)
            assertThat(segmentsSeenByTheFlush).containsExactly(4);
            assertThat(pendingDuringTheFlush).as("still pending until the flush is done").containsExactly(pending);
            assertThat(deleted).isEqualTo(3);
            assertThat(segments()).hasSize(1);
            assertThat(journal.pendingBytes()).isZero();
        }
    }

    @Test
    void aCheckpointWaitsForAnAppendWhoseStoreHasNotCommitted() throws Exception {
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            CountDownLatch storing = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            CompletableFuture<Object> append = CompletableFuture.supplyAsync(() -> journal.append(bytes("block"), () -> {
                storing.countDown();
                await(commit);
                return null;
            }));
            assertThat(storing.await(10, TimeUnit.SECONDS)).isTrue();
            List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Integer> checkpoint = CompletableFuture.supplyAsync(() -> journal.checkpoint(() -> order.add("flush")));
            Thread.sleep(200);
            assertThat(checkpoint).as("no flush while a journaled block is not yet committed").isNotDone();
            order.add("commit");
            commit.countDown();
            append.get(10, TimeUnit.SECONDS);
            assertThat(checkpoint.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(order).containsExactly("commit", "flush");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] filled(int length, int seed) {
        byte[] frame = new byte[length];
        new java.util.Random(seed).nextBytes(frame);
        return frame;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> replayed(BlockJournal journal) {
        List<String> frames = new ArrayList<>();
        journal.replayEarlier(frame -> frames.add(new String(frame, StandardCharsets.UTF_8)));
        return frames;
    }

    private Path onlySegment() throws Exception {
        List<Path> segments = segments();
        assertThat(segments).hasSize(1);
        return segments.getFirst();
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(List<Path> segments) {
        return segments.size();
    }
}
