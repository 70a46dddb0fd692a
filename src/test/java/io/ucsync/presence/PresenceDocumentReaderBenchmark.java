package io.ucsync.presence;

import io.ucsync.bench.Bench;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures for the reader's cost, and why each thread keeps its StAX factory instead of creating
 * one per document. A measurement, not a test: run it with
 * {@code mvn -o test -Dtest=PresenceDocumentReaderBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class PresenceDocumentReaderBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceDocumentReaderBenchmark.class);
    private static final Instant NOW = Instant.parse("2024-05-02T08:00:00Z");
    private static final int ROUNDS = 200_000;

    private static volatile Object sink;

    @Test
    void readerThroughput() throws Exception {
        PresenceDocumentReader reader = new PresenceDocumentReader();
        byte[] categories = MsPresCategoriesDocument.write(
                        "sip:agent1@contoso.com",
                        List.of(
                                new MsPresCategoriesDocument.StateInstance(
                                        "aggregateState", 6500, "on-the-phone", 0, NOW),
                                new MsPresCategoriesDocument.StateInstance("userState", 3500, null, 0x20000000L, NOW)))
                .getBytes(StandardCharsets.UTF_8);
        byte[] pidf = PidfDocument.write("sip:agent1@127.0.0.1", Availability.BUSY, "on-the-phone")
                .getBytes(StandardCharsets.UTF_8);

        report(
                "categories document",
                "presence.read.categories",
                ROUNDS,
                () -> sink = reader.read(MsPresCategoriesDocument.CONTENT_TYPE, categories, null, NOW));
        report(
                "PIDF document",
                "presence.read.pidf",
                ROUNDS,
                () -> sink = reader.read(PidfDocument.CONTENT_TYPE, pidf, null, NOW));
        report(
                "categories events, the thread's factory",
                "presence.stax.thread-factory",
                ROUNDS,
                () -> sink = drain(THREAD_FACTORY, categories));
        report(
                "categories events, a new factory per document",
                "presence.stax.new-factory",
                ROUNDS,
                () -> sink = drain(SafeXml.newFactory(), categories));
    }

    private static final XMLInputFactory THREAD_FACTORY = SafeXml.newFactory();

    private static int drain(XMLInputFactory factory, byte[] body) throws Exception {
        XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(body));
        int events = 0;
        while (reader.hasNext()) {
            reader.next();
            events++;
        }
        reader.close();
        return events;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void report(String what, String name, int rounds, Action action) throws Exception {
        for (int i = 0; i < rounds; i++) {
            action.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            action.run();
        }
        double microseconds = (System.nanoTime() - start) / 1000.0 / rounds;
        LOG.info(
                "{}: {} us each, {} per second on one thread",
                what,
                String.format("%.2f", microseconds),
                String.format("%.0f", 1_000_000 / microseconds));
        Bench.report(name, Math.round(1_000_000 / microseconds), "documents/s");
    }
}
