package io.ucsync.http;

import java.time.Duration;
import java.util.Map;

/**
 * An HTTP API request that is not carried out: its status and a one-line reason for the client, answered by the API's
 * route configuration ({@code http-api}) wherever on the way the refusal comes. The reason never repeats what the
 * request sent.
 */
public final class RequestRefused extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    private RequestRefused(int status, String reason, Map<String, String> headers) {
        super(reason, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    public static RequestRefused badRequest(String reason) {
        return new RequestRefused(400, reason, Map.of());
    }

    public static RequestRefused notSignedIn(String reason) {
        return new RequestRefused(401, reason, Map.of());
    }

    public static RequestRefused forbidden(String reason) {
        return new RequestRefused(403, reason, Map.of());
    }

    public static RequestRefused notFound(String reason) {
        return new RequestRefused(404, reason, Map.of());
    }

    public static RequestRefused conflict(String reason) {
        return new RequestRefused(409, reason, Map.of());
    }

    /** 429, with the seconds to wait in Retry-After. */
    public static RequestRefused tooManyRequests(String reason, Duration retryAfter) {
        return new RequestRefused(429, reason, Map.of("Retry-After", String.valueOf(retryAfter.toSeconds() + 1)));
    }

    /** 503: the state store cannot be reached now; the request changed nothing and can be sent again. */
    public static RequestRefused storeUnavailable(String what, Exception cause) {
        return new RequestRefused(
                503,
                what + ": the state store cannot be reached now (" + cause.getMessage() + "); try again",
                Map.of("Retry-After", "5"));
    }

    public int status() {
        return status;
    }

    /** Headers the answer carries besides the status and the reason (Retry-After). */
    public Map<String, String> headers() {
        return headers;
    }
}
