package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;

/** No direct response arrived in time. A late answer is dropped: no request is answered twice. */
public class TServerTimeoutException extends TServerLinkException {

    public TServerTimeoutException(TlibMessage request, Duration timeout, String server) {
        super("no answer from T-Server " + server + " to " + request.type()
                + (request.getThisDN() == null ? "" : " on DN " + request.getThisDN()) + " within " + timeout.toMillis()
                + " ms");
    }
}
