package net.tallynet.node.network.flood;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's stop-the-world pauses, read from its {@code -Xlog:gc} file: they tell a node short of heap
 * (long, frequent full collections) from a machine short of CPU when REST latency climbs.
 */
record GcPauses(int young, int full, double totalMillis, double maxMillis, int maxCommittedMib, int liveAfterFullMib) {
    private static final Pattern PAUSE = Pattern.compile("Pause (Young|Full).* ([0-9.]+)ms$");
    /** A pause's heap figures: used before, used after, committed after ({@code 283M->94M(362M)}). */
    private static final Pattern HEAP = Pattern.compile(" ([0-9]+)M->([0-9]+)M\\(([0-9]+)M\\) ");

    /** The JVM option that writes the log this reads. */
    static String logOption(Path file) {
        return "-Xlog:gc:file=" + file;
    }

    /**
     * Reads the pauses so far, and with them the most heap committed after any pause and the heap
     * still in use after the latest full collection (what was live then: its floor).
     */
    static GcPauses read(Path file) {
        int young = 0;
        int full = 0;
        double total = 0;
        double max = 0;
        int committed = 0;
        int liveAfterFull = 0;
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher pause = PAUSE.matcher(line);
                if (pause.find()) {
                    double millis = Double.parseDouble(pause.group(2));
                    young += pause.group(1).equals("Young") ? 1 : 0;
                    full += pause.group(1).equals("Full") ? 1 : 0;
                    total += millis;
                    max = Math.max(max, millis);
                    Matcher heap = HEAP.matcher(line);
                    if (heap.find()) {
                        committed = Math.max(committed, Integer.parseInt(heap.group(3)));
                        if (pause.group(1).equals("Full")) {
                            liveAfterFull = Integer.parseInt(heap.group(2));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // no log: no pauses to report
        }
        return new GcPauses(young, full, total, max, committed, liveAfterFull);
    }
}
