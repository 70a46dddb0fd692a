package io.ucsync.state;

import java.time.Instant;

/** One change of a worker's agent state, with what caused it (which presence, which flag, which timer). */
public record AuditEntry(String sipUri, Instant at, String change, String cause) {}
