package io.ucsync.timers;

import java.time.Instant;

/** A timer waiting to fire. */
public record PendingTimer(String kind, String workerKey, Instant fireAt) {}
