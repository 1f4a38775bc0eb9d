package net.tallynet.p2p.http;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a request whose body the {@link ApiGuardFilter} refused, tells Tomcat not to drain what is
 * left of that body: Tomcat otherwise reads it (up to {@code maxSwallowSize}) to keep the connection,
 * waiting on a slow sender until the read timeout. The connection is closed instead, right after the
 * answer has gone out.
 */
final class UnreadBodyValve extends ValveBase {

    UnreadBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (request.getAttribute(ApiGuardFilter.BODY_REFUSED) != null) {
            // the answer goes out whole first (a chunked one ends with its last chunk), then no draining
            response.finishResponse();
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            // Tomcat marks that as an error to report; the answer has been given, so no error page follows
            response.setErrorReported();
        }
    }
}
