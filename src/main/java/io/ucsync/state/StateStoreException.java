package io.ucsync.state;

/**
 * The state store cannot be used: it cannot be reached, or its schema cannot be migrated. The message is one line that
 * names the store's URL (never its password) and the reason.
 */
public class StateStoreException extends Exception {

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
