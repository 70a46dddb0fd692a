package io.ucsync.engine;

import java.time.Duration;

/** What the engine counts for operators; the connector plugs in Micrometer (Prometheus), tests and embedders nothing. */
public interface EngineMetrics {

    EngineMetrics NONE = new EngineMetrics() {};

    /** A presence arrived from the UC side for a rostered worker. */
    default void presenceIn() {}

    /** A request to this T-Server was decided on and handed to the routes. */
    default void requestSent(String tserver, String requestName) {}

    /** Its direct response came back this long after the decision. */
    default void requestAnswered(String tserver, String requestName, Duration sinceDecided) {}

    /**
     * It failed: {@code reason} is the EventError code, {@code timeout}, {@code link-down}, {@code expired} (not sent:
     * past its send-by time) or {@code error}.
     */
    default void requestFailed(String tserver, String requestName, String reason) {}
}
