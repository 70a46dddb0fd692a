package io.ucsync.concurrent;

import java.util.concurrent.CompletionException;

/**
 * Helpers for the CompletableFutures that the SIP and T-Library components answer with. A package of its own, as
 * io.ucsync.tls is, so that both components use it without depending on each other.
 */
public final class Completions {

    private Completions() {}

    /**
     * What failed, out of the {@link CompletionException} a dependent stage wraps it in: the failure to report or to
     * set on an exchange, rather than the wrapper, whose message only repeats the cause's class and text.
     */
    public static Throwable failureOf(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
