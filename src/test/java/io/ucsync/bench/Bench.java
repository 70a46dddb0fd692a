package io.ucsync.bench;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The figures benchmarks print, one line each, {@code BENCH <name> <value> <unit>}, which the table of
 * src/main/docs/testing.md "Benchmarks" takes from a run of {@code mvn -B verify -Pbench}. A benchmark that runs SIP
 * stacks says what they dropped with {@link #sipStackDropped}; with this class as an extension
 * ({@code @ExtendWith(Bench.class)}), the sum over every such benchmark of the run is printed once, after the last
 * test, as {@code sip.stack.dropped}.
 */
public final class Bench implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Bench.class);
    private static final AtomicLong SIP_STACK_DROPPED = new AtomicLong();

    /** Prints one figure; whole numbers without decimals, others with two. */
    public static void report(String name, double value, String unit) {
        String text = value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.2f", value);
        System.out.println("BENCH " + name + " " + text + " " + unit);
    }

    /** What the SIP stacks of one benchmark dropped (SipStackCounters.dropped), printed and added to the run's sum. */
    public static void sipStackDropped(String benchmark, long messages) {
        report("sip.stack.dropped." + benchmark, messages, "messages");
        SIP_STACK_DROPPED.addAndGet(messages);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root context's store closes what it holds once every test class of the run has finished
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("sip.stack.dropped", key ->
                (AutoCloseable) () -> report("sip.stack.dropped", SIP_STACK_DROPPED.get(), "messages"));
    }
}
