package io.ucsync.bench;

import static org.awaitility.Awaitility.await;

import io.ucsync.tlib.link.EventKind;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.link.TServerLinkListener;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A T-Server client of the benchmarks' own, registered on every DN, that sees each agent change a benchmark expects
 * (NotReady with a reason, made by ucsync from a presence) and times it from when it was expected. A change its link
 * only learns from a resync (it reconnected meanwhile) counts as seen, without a time.
 */
public final class AgentChangeObserver implements AutoCloseable {

    private final Map<String, Long> expectedSince = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final AtomicLong seen = new AtomicLong();
    private final TServerLink link;

    public AgentChangeObserver(int tserverPort, Collection<String> dns) {
        link = new TServerLink(
                "observer",
                TServerLinkConfig.builder()
                        .endpoints("127.0.0.1:" + tserverPort)
                        .build(),
                null);
        link.addListener(new TServerLinkListener() {
            @Override
            public void onEvent(TlibMessage event, EventKind kind) {
                if (event.type() == MessageType.EventAgentNotReady) {
                    Long since = expectedSince.remove(key(event.getThisDN(), event.getReasonCode()));
                    if (since != null) {
                        latencies.add(System.nanoTime() - since);
                        seen.incrementAndGet();
                    }
                } else if (event.type() == MessageType.EventAddressInfo
                        && event.getReasonCode() != null
                        && expectedSince.remove(key(event.getThisDN(), event.getReasonCode())) != null) {
                    seen.incrementAndGet();
                }
            }
        });
        dns.forEach(link::register);
        link.start();
        await().atMost(Duration.ofMinutes(2)).until(() -> link.state() == LinkState.UP);
    }

    /** From now on, the agent on this DN is expected NotReady with this reason. */
    public void expect(String dn, String reasonCode) {
        expectedSince.put(key(dn, reasonCode), System.nanoTime());
    }

    /** Whether every change expected has been seen. */
    public boolean sawAll() {
        return expectedSince.isEmpty();
    }

    /** The changes seen so far. */
    public long seen() {
        return seen.get();
    }

    /** The latencies measured since the last call, in nanoseconds, sorted. */
    public List<Long> takeLatencies() {
        List<Long> sorted = new ArrayList<>();
        for (Long latency; (latency = latencies.poll()) != null; ) {
            sorted.add(latency);
        }
        Collections.sort(sorted);
        return sorted;
    }

    /** The percentile of sorted latencies, in milliseconds. */
    public static double percentileMillis(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }

    private static String key(String dn, String reasonCode) {
        return dn + "/" + reasonCode;
    }

    @Override
    public void close() {
        link.close();
    }
}
