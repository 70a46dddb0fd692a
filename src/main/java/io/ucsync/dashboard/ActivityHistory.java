package io.ucsync.dashboard;

import io.ucsync.engine.EngineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * What the dashboard's charts show: one sample per second over the last {@value #SECONDS} seconds (presences in per
 * second, T-Server requests and failures per second, the p50 and p99 of the time from the engine's decision to the
 * T-Server's answer, workers by agent state, drift), in a ring of fixed size. The engine reports to it as to any
 * {@link EngineMetrics}; the route {@code dashboard-sample} takes a sample every second.
 */
public final class ActivityHistory implements EngineMetrics {

    static final int SECONDS = 15 * 60;
    /** Latencies kept per second to take the percentiles from; beyond, a uniform sample of them (reservoir). */
    private static final int LATENCIES_PER_SECOND = 4096;

    /**
     * One second.
     *
     * @param latencyP50 milliseconds, or null when no request was answered in that second
     */
    record Sample(
            long at,
            double presencesPerSecond,
            double requestsPerSecond,
            double failuresPerSecond,
            Double latencyP50,
            Double latencyP99,
            Map<String, Integer> agentStates,
            int drift) {}

    /** The columns of the series, by name: what the page's charts read. */
    private static final Map<String, Function<Sample, Object>> COLUMNS = columns();

    private final LongAdder presences = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** Guarded by itself. */
    private final double[] latencies = new double[LATENCIES_PER_SECOND];

    private long latencyCount;
    /** Guarded by this. */
    private final Sample[] ring = new Sample[SECONDS];

    private int next;
    private int size;
    private long lastSampleNanos = System.nanoTime();

    @Override
    public void presenceIn() {
        presences.increment();
    }

    @Override
    public void requestSent(String tserver, String requestName) {
        requests.increment();
    }

    @Override
    public void requestAnswered(String tserver, String requestName, Duration sinceDecided) {
        double millis = sinceDecided.toNanos() / 1e6;
        synchronized (latencies) {
            long seen = latencyCount++;
            if (seen < LATENCIES_PER_SECOND) {
                latencies[(int) seen] = millis;
            } else {
                long slot = ThreadLocalRandom.current().nextLong(seen + 1);
                if (slot < LATENCIES_PER_SECOND) {
                    latencies[(int) slot] = millis;
                }
            }
        }
    }

    @Override
    public void requestFailed(String tserver, String requestName, String reason) {
        failures.increment();
    }

    /** The engine reports to this history and to {@code other} (the Prometheus meters). */
    public EngineMetrics alongside(EngineMetrics other) {
        ActivityHistory history = this;
        return new EngineMetrics() {
            @Override
            public void presenceIn() {
                history.presenceIn();
                other.presenceIn();
            }

            @Override
            public void requestSent(String tserver, String requestName) {
                history.requestSent(tserver, requestName);
                other.requestSent(tserver, requestName);
            }

            @Override
            public void requestAnswered(String tserver, String requestName, Duration sinceDecided) {
                history.requestAnswered(tserver, requestName, sinceDecided);
                other.requestAnswered(tserver, requestName, sinceDecided);
            }

            @Override
            public void requestFailed(String tserver, String requestName, String reason) {
                history.requestFailed(tserver, requestName, reason);
                other.requestFailed(tserver, requestName, reason);
            }
        };
    }

    /** Closes the second that ends now, with the board's counts as they stand, and keeps it; the sample taken. */
    synchronized Sample sample(long epochSecond, WorkerBoard.Tally tally) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        lastSampleNanos = now;
        double[] answered;
        synchronized (latencies) {
            answered = Arrays.copyOf(latencies, (int) Math.min(latencyCount, LATENCIES_PER_SECOND));
            latencyCount = 0;
        }
        Arrays.sort(answered);
        Sample sample = new Sample(
                epochSecond,
                presences.sumThenReset() / seconds,
                requests.sumThenReset() / seconds,
                failures.sumThenReset() / seconds,
                percentile(answered, 0.50),
                percentile(answered, 0.99),
                tally.agentStates(),
                tally.drift());
        ring[next] = sample;
        next = (next + 1) % SECONDS;
        size = Math.min(size + 1, SECONDS);
        return sample;
    }

    /** The samples kept, oldest first, as columns (what uPlot draws from): {@code {at: [...], presencesPerSecond: [...], ...}}. */
    synchronized Map<String, Object> series() {
        List<Sample> samples = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            samples.add(ring[(next - size + i + SECONDS) % SECONDS]);
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        COLUMNS.forEach(
                (name, value) -> columns.put(name, samples.stream().map(value).toList()));
        return columns;
    }

    /** One sample as one row of those columns. */
    static Map<String, Object> asRow(Sample sample) {
        Map<String, Object> row = new LinkedHashMap<>();
        COLUMNS.forEach((name, value) -> row.put(name, value.apply(sample)));
        return row;
    }

    private static Map<String, Function<Sample, Object>> columns() {
        Map<String, Function<Sample, Object>> columns = new LinkedHashMap<>();
        columns.put("at", Sample::at);
        columns.put("presencesPerSecond", Sample::presencesPerSecond);
        columns.put("requestsPerSecond", Sample::requestsPerSecond);
        columns.put("failuresPerSecond", Sample::failuresPerSecond);
        columns.put("latencyP50", Sample::latencyP50);
        columns.put("latencyP99", Sample::latencyP99);
        for (String group : WorkerQuery.STATES) {
            columns.put(group, sample -> sample.agentStates().get(group));
        }
        columns.put("drift", Sample::drift);
        return columns;
    }

    /** The nearest-rank percentile of sorted values, or null for none. */
    private static Double percentile(double[] sorted, double fraction) {
        if (sorted.length == 0) {
            return null;
        }
        return sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)];
    }
}
