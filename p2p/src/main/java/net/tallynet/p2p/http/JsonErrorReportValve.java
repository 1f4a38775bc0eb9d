package net.tallynet.p2p.http;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Errors Tomcat raises itself, before any servlet runs (a bad %-encoding, an oversized header, a
 * malformed request line), answered as the same JSON as every other error instead of Tomcat's
 * HTML page; no server version, no stack trace.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(HttpReasons.json(HttpReasons.forStatus(status), HttpReasons.describe(status)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is failing: nothing more can be said on it
        }
    }
}
