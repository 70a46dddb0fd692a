package io.ucsync.sip;

/** The front end answered a request with a final non-2xx response. */
public class SipRequestFailedException extends SipPresenceException {

    private static final long serialVersionUID = 1L;

    private final String method;
    private final int statusCode;
    private final String reasonPhrase;

    public SipRequestFailedException(String method, String target, int statusCode, String reasonPhrase) {
        super(method + " " + target + " failed: " + statusCode + " " + reasonPhrase);
        this.method = method;
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
    }

    public String method() {
        return method;
    }

    public int statusCode() {
        return statusCode;
    }

    public String reasonPhrase() {
        return reasonPhrase;
    }
}
