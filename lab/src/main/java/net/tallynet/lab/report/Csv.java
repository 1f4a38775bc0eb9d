package net.tallynet.lab.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** One CSV file: fields quoted per RFC 4180 only where they need it; lines end in LF, as Unix tools expect. */
final class Csv implements Closeable {
    private final BufferedWriter out;

    Csv(Path file, String... header) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        row((Object[]) header);
    }

    /** A row; null is written as an empty field, which the report uses for "never". */
    void row(Object... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields[i]));
        }
        out.write('\n');
    }

    static String field(Object value) {
        String text = switch (value) {
            case null -> "";
            case Double d -> plain(d);
            default -> value.toString();
        };
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    /** Up to three decimals and never an exponent, so spreadsheets and scripts read it the same way. */
    static String plain(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
