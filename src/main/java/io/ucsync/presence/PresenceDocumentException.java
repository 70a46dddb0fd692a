package io.ucsync.presence;

/** Stub with the signature agreed with the presence-docs branch; replaced by that branch's class on merge. */
public class PresenceDocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public PresenceDocumentException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
