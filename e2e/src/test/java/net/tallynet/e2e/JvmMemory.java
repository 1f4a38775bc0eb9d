package net.tallynet.e2e;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The most memory a JVM started with given flags can take in a container with a given limit: the
 * heap (-Xmx, or MaxRAMPercentage of the limit) plus the capped non-heap regions. Every region
 * must be capped by a flag, or there is no budget to check.
 */
record JvmMemory(Long maxHeap, double maxRamPercentage, long metaspace, long codeCache, long directMemory,
                 long threadStack) {
    /**
     * Platform threads a service runs: measured 35 to 45 besides Tomcat's request pool (its acceptor and
     * poller, the JVM's own, H2, the schedulers, the miner), rounded up to 48, plus Tomcat's two pools at
     * their most: the P2P port's, {@code server.tomcat.threads.max} 96 (peers' frames), and the API port's,
     * {@code tallynet.api.threads.max} 32 (requests), neither on virtual threads (the API connector's
     * acceptor and poller fit in the 48). Background work runs on virtual threads, whose stacks live in
     * the heap.
     */
    static final int PLATFORM_THREADS = 48 + 96 + 32;
    /**
     * What the JVM takes besides those regions: GC structures, symbols, class-data sharing, compiler
     * arenas, malloc (MALLOC_ARENA_MAX=2 in the image). Native Memory Tracking showed about 40 MB.
     * The image's AOT cache holds the start-up classes' metadata that metaspace would otherwise hold
     * (private memory measured lower with it: 217 against 303 MiB idle), so the metaspace cap, which
     * must still fit a JVM that cannot use the cache, covers it.
     */
    static final long JVM_OVERHEAD = 48L * 1024 * 1024;

    static JvmMemory of(String options) {
        Map<String, String> flags = new HashMap<>();
        for (String option : options.trim().split("\\s+")) {
            if (option.startsWith("-Xmx")) {
                flags.put("Xmx", option.substring(4));
            } else if (option.startsWith("-Xss")) {
                flags.put("Xss", option.substring(4));
            } else if (option.startsWith("-XX:") && option.contains("=")) {
                flags.put(option.substring(4, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            }
        }
        return new JvmMemory(flags.containsKey("Xmx") ? bytes(flags.get("Xmx")) : null,
                Double.parseDouble(flags.getOrDefault("MaxRAMPercentage", "25")),
                bytes(required(flags, "MaxMetaspaceSize")), bytes(required(flags, "ReservedCodeCacheSize")),
                bytes(required(flags, "MaxDirectMemorySize")), bytes(required(flags, "Xss")));
    }

    long heap(long limit) {
        return maxHeap != null ? maxHeap : (long) (limit * maxRamPercentage / 100);
    }

    long budget(long limit) {
        return heap(limit) + metaspace + codeCache + directMemory + PLATFORM_THREADS * threadStack + JVM_OVERHEAD;
    }

    String describe(long limit) {
        return String.format("heap %d + metaspace %d + code cache %d + direct %d + %d stacks of %d KiB + JVM %d = %d MiB of %d MiB",
                mib(heap(limit)), mib(metaspace), mib(codeCache), mib(directMemory), PLATFORM_THREADS,
                threadStack / 1024, mib(JVM_OVERHEAD), mib(budget(limit)), mib(limit));
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    private static String required(Map<String, String> flags, String flag) {
        String value = flags.get(flag);
        if (value == null) {
            throw new AssertionError("no -XX:" + flag + " (or -" + flag + "): that region of the JVM's memory is not capped");
        }
        return value;
    }

    /** A HotSpot size: a number with an optional k, m or g. */
    static long bytes(String size) {
        String lower = size.toLowerCase(Locale.ROOT);
        long unit = switch (lower.charAt(lower.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        String digits = unit == 1 ? lower : lower.substring(0, lower.length() - 1);
        return Long.parseLong(digits) * unit;
    }
}
