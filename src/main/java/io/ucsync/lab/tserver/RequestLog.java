package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What clients asked of the emulator, for tests and benchmarks: a count of requests per DN and message name, and a
 * journal of who sent which request on a DN, and when. Apart from the switch because it records the traffic and
 * takes no part in answering it.
 * <p>
 * Confined to the emulator's single event loop.
 */
final class RequestLog {

    /** The stats key of requests that carry no ThisDN. */
    static final String NO_DN = "-";

    private static final int JOURNAL_SIZE = 500_000;

    private final Map<String, Map<String, Integer>> stats = new TreeMap<>();
    private final Deque<JournalEntry> journal = new ArrayDeque<>();

    /** Counts every message a client sends; journals the requests on a DN (the newest {@value #JOURNAL_SIZE}). */
    void received(ClientSession session, TlibMessage request) {
        String dn = request.getThisDN() != null ? request.getThisDN() : NO_DN;
        stats.computeIfAbsent(dn, k -> new TreeMap<>()).merge(request.name(), 1, Integer::sum);
        if (request.getThisDN() != null
                && request.type() != null
                && request.type().isRequest()) {
            if (journal.size() == JOURNAL_SIZE) {
                journal.removeFirst();
            }
            journal.addLast(new JournalEntry(Instant.now(), session.toString(), request.name(), request.getThisDN()));
        }
    }

    List<JournalEntry> journal() {
        return List.copyOf(journal);
    }

    Map<String, Map<String, Integer>> stats() {
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        stats.forEach((dn, perType) -> copy.put(dn, Map.copyOf(perType)));
        return copy;
    }
}
