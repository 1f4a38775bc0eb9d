package net.tallynet.lab.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.lab.scenario.LinkShape;

/**
 * One direction of a relayed connection: what is read from {@code in} is written to {@code out}
 * when its time comes. Each chunk is due after the link has serialised it (bandwidth), plus the
 * latency and a jitter; a lost chunk comes one retransmission timeout later, as TCP would deliver
 * it, holding up what follows (a relay between two TCP connections cannot drop bytes: the loss a
 * WebSocket sees is this delay). Order is kept. At most {@link #MAX_QUEUED_BYTES} wait: past that
 * the reader stops reading, and TCP's window slows the sender, as a full link would.
 */
final class ShapedPipe {
    static final int MAX_QUEUED_BYTES = 4 << 20;
    private static final int CHUNK = 16 * 1024;
    /** Linux's minimum retransmission timeout. */
    private static final long MIN_RTO_NANOS = 200_000_000L;

    private record Chunk(byte[] bytes, long dueNanos) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final Socket in;
    private final Socket out;
    private final LinkShape shape;
    private final AtomicLong counter;
    private final Runnable onDone;
    private final Runnable onFailed;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(MAX_QUEUED_BYTES);
    private volatile Thread reader;
    private volatile Thread writer;
    private long linkFreeAt;
    private long lastDue;

    /**
     * {@code onDone} runs when this direction has ended in order (the sender's end of stream delivered
     * as a half-close, as TCP would); {@code onFailed} when reading or writing failed.
     */
    ShapedPipe(Socket in, Socket out, LinkShape shape, AtomicLong counter, Runnable onDone, Runnable onFailed) {
        this.in = in;
        this.out = out;
        this.shape = shape;
        this.counter = counter;
        this.onDone = onDone;
        this.onFailed = onFailed;
    }

    void start(String name) {
        reader = Thread.ofVirtual().name(name + "-read").start(this::read);
        writer = Thread.ofVirtual().name(name + "-write").start(this::write);
    }

    /** Stops both threads at once (the connection was cut or failed): what waits is dropped. */
    void abort() {
        for (Thread thread : new Thread[] {reader, writer}) {
            if (thread != null) {
                thread.interrupt();
            }
        }
        queue.clear();
    }

    private void read() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream input = in.getInputStream(); // not closed here: that would close the whole socket
            int n;
            while ((n = input.read(buffer)) > 0) {
                room.acquire(n);
                queue.put(new Chunk(Arrays.copyOf(buffer, n), due(n)));
            }
            queue.put(END);
        } catch (IOException e) {
            onFailed.run();
        } catch (InterruptedException e) {
            // aborted
        }
    }

    /** When {@code bytes} read now may be delivered. */
    private long due(int bytes) {
        long now = System.nanoTime();
        long start = Math.max(now, linkFreeAt);
        linkFreeAt = start + (shape.bytesPerSecond() == 0 ? 0 : bytes * 1_000_000_000L / shape.bytesPerSecond());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long delay = shape.latency().toNanos();
        if (!shape.jitter().isZero()) {
            delay += (long) ((random.nextDouble() * 2 - 1) * shape.jitter().toNanos());
        }
        if (shape.loss() > 0 && random.nextDouble() < shape.loss()) {
            delay += Math.max(MIN_RTO_NANOS, 4 * shape.latency().toNanos());
        }
        lastDue = Math.max(lastDue, linkFreeAt + Math.max(0, delay));
        return lastDue;
    }

    private void write() {
        try {
            OutputStream output = out.getOutputStream();
            for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
                long wait = chunk.dueNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                counter.addAndGet(chunk.bytes().length); // before the write: whoever reads them sees them counted
                output.write(chunk.bytes());
                output.flush();
                room.release(chunk.bytes().length);
            }
            out.shutdownOutput(); // the sender's end of stream, passed on once what came before it is delivered
            onDone.run();
        } catch (IOException e) {
            onFailed.run();
        } catch (InterruptedException e) {
            // aborted
        }
    }
}
