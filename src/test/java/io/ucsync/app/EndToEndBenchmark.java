package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.netty.util.ResourceLeakDetector;
import io.ucsync.bench.Bench;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.link.EventKind;
import io.ucsync.tlib.link.TServerLinkListener;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

/**
 * End to end with 10,000 workers: a presence set on the UC front-end emulator travels as a BENOTIFY to ucsync,
 * through its routes and engine, and out as RequestAgentNotReady to the T-Server emulator; an observer registered
 * on every DN timestamps the EventAgentNotReady it causes. Reports p50/p99 latency at 250 and 1,000 changes/s, the
 * changes per second sustained when 2,000/s are offered, and the heap each idle worker costs. Everything (both emulators, ucsync, the
 * observer) shares one JVM and the machine's two cores. A measurement, not a test:
 * {@code mvn -o test -Dtest=EndToEndBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
@ExtendWith(Bench.class)
class EndToEndBenchmark {

    private static final int WORKERS = 10_000;

    @Test
    void changesPerSecondLatencyAndHeapPerWorker() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        Path home = Files.createTempDirectory("ucsync-bench");
        long heapBefore = usedHeapAfterGc();
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, WORKERS)) {
            long started = System.nanoTime();
            ucsync.start();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ucsync.tserver().states().stream().filter(s -> s.status() == AgentStatus.Ready).count() == WORKERS);
            double startSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("start: %,d workers subscribed, registered and logged in Ready in %.1f s%n", WORKERS, startSeconds);
            Bench.report("start.10k", startSeconds, "s");
            System.out.printf("SIP stack after the start: ucsync's metrics say %s dropped; the front-end emulator's stack %s%n",
                    sipStackDroppedPerMetrics(ucsync), ucsync.frontEnd().stats().stack());
            long heapIdle = usedHeapAfterGc();
            System.out.printf("heap: %,d bytes used with %,d idle workers (emulators included), %,d before: %,d bytes per worker%n",
                    heapIdle, WORKERS, heapBefore, (heapIdle - heapBefore) / WORKERS);
            Bench.report("heap.per-worker", (heapIdle - heapBefore) / WORKERS, "bytes");

            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicLong seen = new AtomicLong();
            try (TServerLink observer = new TServerLink("observer",
                    TServerLinkConfig.builder().endpoints("127.0.0.1:" + ucsync.tserver().port()).build(), null)) {
                observer.addListener(new TServerLinkListener() {
                    @Override
                    public void onEvent(TlibMessage event, EventKind kind) {
                        if (event.type() == MessageType.EventAgentNotReady) {
                            Long sent = sentAt.remove(event.getThisDN() + "/" + event.getReasonCode());
                            if (sent != null) {
                                latencies.add(System.nanoTime() - sent);
                                seen.incrementAndGet();
                            }
                        }
                    }
                });
                for (int i = 1; i <= WORKERS; i++) {
                    observer.register(UcsyncHarness.dn(i));
                }
                observer.start();
                await().atMost(Duration.ofMinutes(1)).until(() -> observer.state() == LinkState.UP);

                int[] round = { 0 };
                runAt(ucsync, sentAt, round, 250, Duration.ofSeconds(5)); // warm-up
                await().atMost(Duration.ofSeconds(60)).until(sentAt::isEmpty);
                for (int rate : new int[] { 250, 1_000 }) {
                    latencies.clear();
                    runAt(ucsync, sentAt, round, rate, Duration.ofSeconds(20));
                    await().atMost(Duration.ofMinutes(3)).until(sentAt::isEmpty);
                    List<Long> sorted = new ArrayList<>(latencies);
                    Collections.sort(sorted);
                    System.out.printf("latency at %,d changes/s over %,d changes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                            rate, sorted.size(), percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1) / 1e6);
                    Bench.report("e2e.p50.at" + rate, percentile(sorted, 50), "ms");
                    Bench.report("e2e.p99.at" + rate, percentile(sorted, 99), "ms");
                }

                for (int rate : new int[] { 2_000 }) {
                    sentAt.clear();
                    long before = seen.get();
                    long from = System.nanoTime();
                    int offered = runAt(ucsync, sentAt, round, rate, Duration.ofSeconds(10));
                    await().atMost(Duration.ofMinutes(3)).until(sentAt::isEmpty);
                    double seconds = (System.nanoTime() - from) / 1e9;
                    System.out.printf("offered %,d changes/s for 10 s: %,d mapped in %.1f s = %,.0f changes/s%n", rate, offered,
                            seconds, (seen.get() - before) / seconds);
                    Bench.report("e2e.sustained", Math.round((seen.get() - before) / seconds), "changes/s");
                }
            }
            Bench.sipStackDropped("e2e", sipStackDroppedPerMetrics(ucsync) + ucsync.frontEnd().stats().stack().dropped());
        }
    }

    /** What ucsync's SIP stacks dropped, as its Prometheus metrics say: removed as stuck plus dropped by the kernel. */
    private static long sipStackDroppedPerMetrics(UcsyncHarness ucsync) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + ucsync.managementPort + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher dropped = Pattern.compile("(?m)^ucsync_sip_(stack_removed_stuck|udp_receive_drops)_total\\{[^}]*} (\\S+)$")
                .matcher(metrics);
        double sum = 0;
        int found = 0;
        while (dropped.find()) {
            sum += Double.parseDouble(dropped.group(2));
            found++;
        }
        if (found == 0) {
            throw new IllegalStateException("ucsync exports no ucsync_sip_*_total metrics:\n" + metrics);
        }
        return (long) sum;
    }

    /** Sets presences open-loop at {@code rate} per second for the duration: Busy and Away in turn for each worker. */
    private static int runAt(UcsyncHarness ucsync, Map<String, Long> sentAt, int[] round, int rate, Duration duration)
            throws InterruptedException {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        int sent = 0;
        for (long next = start; next < end; next += intervalNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing an open-loop load, not waiting for a condition
            }
            int worker = 1 + (round[0] % WORKERS);
            boolean busy = (round[0] / WORKERS) % 2 == 0;
            round[0]++;
            sentAt.put(UcsyncHarness.dn(worker) + "/" + (busy ? "Busy" : "Away"), System.nanoTime());
            ucsync.frontEnd().presence(worker(worker), busy ? 6500 : 15500, null, PresenceSource.USER);
            sent++;
        }
        return sent;
    }

    private static double percentile(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200); // let the collector finish before reading the heap
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
