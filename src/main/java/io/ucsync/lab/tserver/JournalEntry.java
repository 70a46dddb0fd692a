package io.ucsync.lab.tserver;

import java.time.Instant;

/**
 * A request the emulator received on a DN: when, from which client connection (its application name and address),
 * which request. Tests read the journal to see who acted on a DN and when (two owners of one worker would show as
 * requests from two connections interleaved).
 */
public record JournalEntry(Instant at, String client, String request, String dn) {}
