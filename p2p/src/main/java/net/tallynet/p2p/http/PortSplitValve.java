package net.tallynet.p2p.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Keeps each port to its own: the P2P port ({@code server.port}) serves only the WebSocket endpoint,
 * the API port serves everything but it. Anything else is a 404, as if the path did not exist there:
 * a peer sees no REST, no pages and no actuator, and an API client cannot open a peer session on the
 * operator's port.
 */
final class PortSplitValve extends ValveBase {
    private final ApiServer api;
    private final String p2pPath;

    PortSplitValve(ApiServer api, String p2pPath) {
        super(true);
        this.api = api;
        this.p2pPath = p2pPath;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        Connector arrivedOn = request.getConnector();
        boolean peerPath = p2pPath.equals(request.getDecodedRequestURI());
        if (api.isApiConnector(arrivedOn) == peerPath) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        getNext().invoke(request, response);
    }
}
