package io.ucsync.presence;

/**
 * A presence document that was refused: too large, too deep, not XML, a DOCTYPE, an unexpected root
 * element, an unsupported content type, or a value that breaks the format's rules. The message is
 * the reason and names the rule broken; it is meant for one log line, not for a stack trace.
 */
public class PresenceDocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public PresenceDocumentException(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** The rule the document broke, e.g. {@code "DOCTYPE not allowed"}; the same text as the message. */
    public String reason() {
        return reason;
    }
}
