package io.ucsync.timers;

import java.time.Instant;

/** A timer that fired: what kind of timer, for which worker, and when it was due. */
public record FiredTimer(String kind, String workerKey, Instant scheduledFor) {}
