package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;

/**
 * The request was not sent: its send-by time had passed when the link came to write it (its sender's right to act
 * may have lapsed meanwhile, as a cluster node's hold on a worker does while the node is paused). Nothing reached the
 * T-Server; the sender decides again.
 */
public class RequestExpiredException extends TServerLinkException {

    public RequestExpiredException(String linkName, TlibMessage request, Duration late) {
        super("T-Server link '" + linkName + "': " + request.type()
                + (request.getThisDN() == null ? "" : " on DN " + request.getThisDN()) + " not sent: its send-by time"
                + " passed " + late.toMillis() + " ms before the link could write it");
    }
}
