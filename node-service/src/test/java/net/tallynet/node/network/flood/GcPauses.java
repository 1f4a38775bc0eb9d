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
record GcPauses(int young, int full, double totalMillis, double maxMillis) {
    private static final Pattern PAUSE = Pattern.compile("Pause (Young|Full).* ([0-9.]+)ms$");

    /** The JVM option that writes the log this reads. */
    static String logOption(Path file) {
        return "-Xlog:gc:file=" + file;
    }

    static GcPauses read(Path file) {
        int young = 0;
        int full = 0;
        double total = 0;
        double max = 0;
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher pause = PAUSE.matcher(line);
                if (pause.find()) {
                    double millis = Double.parseDouble(pause.group(2));
                    young += pause.group(1).equals("Young") ? 1 : 0;
                    full += pause.group(1).equals("Full") ? 1 : 0;
                    total += millis;
                    max = Math.max(max, millis);
                }
            }
        } catch (IOException e) {
            // no log: no pauses to report
        }
        return new GcPauses(young, full, total, max);
    }
}
