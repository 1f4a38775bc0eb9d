package net.tallynet.lab.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The units a scenario file writes: durations ({@code 50ms}, {@code 2s}, {@code 1.5m}) and rates ({@code 10mbit}). */
final class Quantities {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit|b|kb|mb|gb)(?:/s|ps)?");

    private Quantities() {
    }

    /** A duration; a bare number is seconds. */
    static Duration duration(String where, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.matches("\\d+(\\.\\d+)?")) {
            value += "s";
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new ScenarioException(where + ": not a duration (like 50ms, 2s, 1.5m): " + text);
        }
        double amount = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /** Bytes per second from {@code 10mbit}, {@code 512kb} (bytes) and the like; 0 means unlimited. */
    static long bytesPerSecond(String where, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (value.equals("0") || value.equals("unlimited")) {
            return 0;
        }
        Matcher m = RATE.matcher(value);
        if (!m.matches()) {
            throw new ScenarioException(where + ": not a rate (like 10mbit, 1gbit, 512kb): " + text);
        }
        double amount = Double.parseDouble(m.group(1));
        double bytes = switch (m.group(2)) {
            case "bit" -> amount / 8;
            case "kbit" -> amount * 1_000 / 8;
            case "mbit" -> amount * 1_000_000 / 8;
            case "gbit" -> amount * 1_000_000_000 / 8;
            case "b" -> amount;
            case "kb" -> amount * 1_000;
            case "mb" -> amount * 1_000_000;
            default -> amount * 1_000_000_000;
        };
        return Math.max(1, Math.round(bytes));
    }
}
