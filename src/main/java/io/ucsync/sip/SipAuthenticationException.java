package io.ucsync.sip;

/**
 * The front end asked for credentials that ucsync does not have, or rejected the ones it sent (a second
 * challenge for the same request that is not a stale nonce).
 */
public class SipAuthenticationException extends SipPresenceException {

    private static final long serialVersionUID = 1L;

    public SipAuthenticationException(String message) {
        super(message);
    }
}
