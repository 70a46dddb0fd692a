package io.ucsync.tlib.link;

/** A request on a T-Server link did not get its answer; the subclass says why. */
public abstract class TServerLinkException extends RuntimeException {

    protected TServerLinkException(String message) {
        super(message);
    }

    /** Expected faults: the message says everything, a stack trace would only hide it in the log. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
