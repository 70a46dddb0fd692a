package io.ucsync.sip;

/** A SIP request of the presence component that did not succeed; subclasses say how it failed. */
public class SipPresenceException extends Exception {

    private static final long serialVersionUID = 1L;

    public SipPresenceException(String message) {
        super(message);
    }

    public SipPresenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
