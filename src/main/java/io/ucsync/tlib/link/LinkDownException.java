package io.ucsync.tlib.link;

/**
 * The request could not be sent, or its connection was lost before the answer: whether the server acted on it is
 * unknown, so it is never re-sent by the link. After the next resync the owner compares states and sends only
 * what is still needed.
 */
public class LinkDownException extends TServerLinkException {

    public LinkDownException(String message) {
        super(message);
    }
}
