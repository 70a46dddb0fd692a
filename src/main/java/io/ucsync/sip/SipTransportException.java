package io.ucsync.sip;

/** A request could not be sent: no connection to the front end, a refused TLS handshake, a closed socket. */
public class SipTransportException extends SipPresenceException {

    private static final long serialVersionUID = 1L;

    public SipTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
