package net.tallynet.node.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redo log of blocks the database may not have written to its file yet. H2 writes committed
 * transactions in the background (its WRITE_DELAY, half a second): a node killed in that window came
 * back without blocks it had already reported on {@code /api/chain} or announced to peers. Writing
 * every commit through (WRITE_DELAY=0) halved the connect rate and grew the file tenfold, a chunk per
 * commit; so each block's frame is appended here, where the operating system holds it once
 * {@code write} returns, before the block is stored. A checkpoint forces the database's file up to
 * date and deletes the segments written before it; at start, the blocks of the segments left that the
 * store lacks are accepted again (Bitcoin Core replays its block files from the chainstate's last flush
 * the same way).
 *
 * <p>Segments are {@code NNNNNNNN.log} files of records: length (4 bytes), CRC32C of the frame (4
 * bytes), the frame. A record cut short by the kill, or damaged, ends the reading of its segment.
 * Each process writes a new segment from its start. With {@code sync}, every append is also forced
 * to the device (a power cut then loses nothing reported either, at a cost per block).
 */
public final class BlockJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockJournal.class);
    private static final int HEADER_BYTES = 8;
    /**
     * The largest the kept direct buffer grows: a larger record (a block near the frame limit) is written through it
     * in slices, so that one such block neither keeps megabytes resident nor allocates a direct buffer of its own
     * (direct memory is capped, and freed only by a collection).
     */
    private static final int MAX_BUFFER_BYTES = 1 << 20;

    private final Path dir;
    private final boolean sync;
    /** Appends (each with the commit that follows it) share it; a checkpoint's rotation takes it alone. */
    private final ReentrantReadWriteLock rotation = new ReentrantReadWriteLock();
    private final AtomicLong segmentBytes = new AtomicLong();
    /** The bytes of the segments a checkpoint set aside, until its flush has run and they are deleted. */
    private final AtomicLong checkpointingBytes = new AtomicLong();
    /** This process's first segment: those before it are what earlier processes left. */
    private final long firstSegment;
    private long segment;
    /**
     * Written from one kept direct buffer, the frame copied into it once: a stream's write of a block of 1,000
     * payments (480 KB) copied it into a new record array, then into a buffer the JDK allocates for every stream
     * write over 8 KB, and took about 2.6 ms of a relaying node's CPU (C1) against about 0.8 ms so (README,
     * "Propagation"). A channel's write is interruptible (an interrupt closes the channel), and appends come from
     * threads a shutdown may interrupt: an interrupt already set is held back over the write, and one that lands
     * during it fails that append as any write failure does (the next goes to a new segment).
     */
    private FileChannel current;
    /** Guarded by this. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

    private BlockJournal(Path dir, boolean sync, long firstSegment) throws IOException {
        this.dir = dir;
        this.sync = sync;
        this.firstSegment = firstSegment;
        this.segment = firstSegment;
        this.current = openSegment(firstSegment);
    }

    /** Opens the journal in {@code dir}; what earlier processes wrote is read with {@link #replayEarlier}. */
    public static BlockJournal open(Path dir, boolean sync) {
        try {
            Files.createDirectories(dir);
            long last = segments(dir).stream().mapToLong(BlockJournal::number).max().orElse(0);
            return new BlockJournal(dir, sync, last + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the block journal in " + dir, e);
        }
    }

    /**
     * Appends {@code frame}, then runs {@code store} (which commits the block to the database): no
     * checkpoint comes between the two, so a checkpoint never drops a record whose block is not yet committed.
     */
    public <T> T append(byte[] frame, Supplier<T> store) {
        rotation.readLock().lock();
        try {
            write(frame);
            return store.get();
        } finally {
            rotation.readLock().unlock();
        }
    }

    private synchronized void write(byte[] frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame);
        boolean interrupted = Thread.interrupted();
        try {
            if (!current.isOpen()) { // an interrupt closed it, and one more stopped the new segment's opening
                nextSegment();
            }
            ByteBuffer out = buffer(HEADER_BYTES + frame.length).putInt(frame.length).putInt((int) crc.getValue());
            int written = 0;
            do { // a record larger than the buffer goes in slices: torn, it reads as one cut short by a kill
                int slice = Math.min(out.remaining(), frame.length - written);
                out.put(frame, written, slice).flip();
                written += slice;
                while (out.hasRemaining()) {
                    current.write(out);
                }
                out.clear();
            } while (written < frame.length);
            if (sync) {
                current.force(true);
            }
        } catch (IOException e) {
            // an interrupt that closed the channel is held back too, or the directory's force below would fail on it
            interrupted |= Thread.interrupted();
            // part of the record may be in the file: later records go to a new segment, or reading would stop
            // at this torn one and miss them
            try {
                nextSegment();
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            // not durable, so not stored: the caller refuses the block rather than report what it may lose
            throw new UncheckedIOException("cannot append to the block journal in " + dir, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        segmentBytes.addAndGet(HEADER_BYTES + frame.length);
    }

    /** Later appends go to a new segment; the current one is closed once the new one is open. Holding this. */
    private void nextSegment() throws IOException {
        FileChannel next = openSegment(segment + 1);
        closeQuietly(current);
        current = next;
        segment++;
    }

    /** The kept buffer, empty, grown towards {@code bytes} (up to {@link #MAX_BUFFER_BYTES}) if it is smaller. */
    private ByteBuffer buffer(int bytes) {
        if (buffer.capacity() < Math.min(bytes, MAX_BUFFER_BYTES)) {
            buffer = ByteBuffer.allocateDirect(Math.min(MAX_BUFFER_BYTES, Integer.highestOneBit(bytes - 1) << 1));
        }
        return buffer.clear();
    }

    /**
     * Bytes journaled since the last completed checkpoint: appended to the segment being written, and those of the
     * segments a checkpoint in progress (or one that failed) has not yet deleted. What a restart would replay.
     */
    public long pendingBytes() {
        return segmentBytes.get() + checkpointingBytes.get();
    }

    /**
     * Starts a new segment, runs {@code flushStore} (which must write everything the database has
     * committed to its file), then deletes the segments before the new one. Returns how many were deleted.
     */
    public int checkpoint(Runnable flushStore) {
        long kept;
        rotation.writeLock().lock();
        try {
            synchronized (this) {
                nextSegment();
                // still pending until the database's flush is done and the old segments are deleted; added there before
                // taken here, so that pendingBytes (segment first) never reads the bytes in neither
                long rotated = segmentBytes.get();
                checkpointingBytes.addAndGet(rotated);
                segmentBytes.addAndGet(-rotated);
                kept = segment;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a new block journal segment in " + dir, e);
        } finally {
            rotation.writeLock().unlock();
        }
        flushStore.run();
        int deleted = 0;
        for (Path old : segments(dir)) {
            if (number(old) < kept) {
                try {
                    Files.deleteIfExists(old);
                    deleted++;
                } catch (IOException e) {
                    log.warn("cannot delete the block journal segment {}: {}", old, e.toString());
                }
            }
        }
        checkpointingBytes.set(0);
        return deleted;
    }

    /**
     * Hands each frame of the segments earlier processes left (before this one's first) to {@code frames},
     * oldest first, as it is read: one frame in memory at a time. Returns how many frames there were.
     */
    public int replayEarlier(Consumer<byte[]> frames) {
        int count = 0;
        for (Path file : segments(dir)) {
            if (number(file) < firstSegment) {
                count += read(file, frames);
            }
        }
        return count;
    }

    /** Hands each whole record's frame of {@code file} to {@code frames}; returns how many. */
    private static int read(Path file, Consumer<byte[]> frames) {
        int count = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (position + HEADER_BYTES <= size) {
                header.clear();
                in.read(header, position);
                header.flip();
                int length = header.getInt();
                int expected = header.getInt();
                // a zero length is a tail of zeros (what a power cut can leave), never a record: frames are never empty
                if (length <= 0 || position + HEADER_BYTES + length > size) {
                    log.info("block journal {}: last record cut short at byte {} (written as the process died); ignored",
                            file.getFileName(), position);
                    return count;
                }
                ByteBuffer frame = ByteBuffer.allocate(length);
                while (frame.hasRemaining() && in.read(frame, position + HEADER_BYTES + frame.position()) > 0) {
                    // reads until full
                }
                CRC32C crc = new CRC32C();
                crc.update(frame.array());
                if ((int) crc.getValue() != expected) {
                    log.warn("block journal {}: damaged record at byte {}; the rest of the segment is ignored",
                            file.getFileName(), position);
                    return count;
                }
                frames.accept(frame.array());
                count++;
                position += HEADER_BYTES + length;
            }
        } catch (IOException e) {
            log.warn("cannot read the block journal segment {}: {}", file, e.toString());
        }
        return count;
    }

    private FileChannel openSegment(long number) throws IOException {
        FileChannel segment = FileChannel.open(dir.resolve("%08d.log".formatted(number)), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (sync) {
            // the new file's name too: without it a power cut can lose the whole segment, synced records and all
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException e) {
                closeQuietly(segment);
                throw e;
            }
        }
        return segment;
    }

    private static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{8}\\.log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the block journal in " + dir, e);
        }
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - ".log".length()));
    }

    private static void closeQuietly(FileChannel segment) {
        try {
            segment.close();
        } catch (IOException ignored) {
            // the data written is in the file already; a failed close loses nothing
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(current);
    }
}
