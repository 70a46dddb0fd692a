package io.ucsync.sip;

/** The front end did not answer a request before the SIP transaction timed out (Timer F, 32 s by default). */
public class SipRequestTimeoutException extends SipPresenceException {

    private static final long serialVersionUID = 1L;

    public SipRequestTimeoutException(String method, String target) {
        super(method + " " + target + " got no answer: transaction timed out");
    }
}
