package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The SIP component shares one reader between its threads. */
class PresenceDocumentReaderConcurrencyTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");

    private record Case(String contentType, byte[] body, List<Presence> expected) {}

    @Test
    void oneReaderServesManyThreadsWithoutMixingDocuments() throws Exception {
        PresenceDocumentReader reader = new PresenceDocumentReader();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String uri = "sip:agent" + i + "@contoso.com";
            Availability availability = Availability.values()[i];
            String categories = MsPresCategoriesDocument.write(
                    uri,
                    List.of(new MsPresCategoriesDocument.StateInstance(
                            "aggregateState", availability.msPresValue(), null, 0, RECEIVED)));
            cases.add(new Case(
                    MsPresCategoriesDocument.CONTENT_TYPE,
                    categories.getBytes(StandardCharsets.UTF_8),
                    List.of(new Presence(uri, availability, null, PresenceSource.AGGREGATE, RECEIVED))));
            cases.add(new Case(
                    PidfDocument.CONTENT_TYPE,
                    PidfDocument.write(uri, Availability.OFFLINE, null).getBytes(StandardCharsets.UTF_8),
                    List.of(new Presence(uri, Availability.OFFLINE, null, PresenceSource.USER, RECEIVED))));
        }
        Map<String, List<MsPresCategoriesDocument.StateInstance>> batchStates = new LinkedHashMap<>();
        batchStates.put(
                "sip:x@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance("userState", 6500, "on-the-phone", 1, RECEIVED)));
        batchStates.put(
                "sip:y@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance(
                        "calendarState", 15500, "out-of-office", 2, RECEIVED)));
        MsPresCategoriesDocument.Multipart batch =
                MsPresCategoriesDocument.writeBatch("sip:w@contoso.com", batchStates);
        cases.add(new Case(
                batch.contentType(),
                batch.body().getBytes(StandardCharsets.UTF_8),
                List.of(
                        new Presence(
                                "sip:x@contoso.com", Availability.BUSY, "on-the-phone", PresenceSource.USER, RECEIVED),
                        new Presence(
                                "sip:y@contoso.com",
                                Availability.AWAY,
                                "out-of-office",
                                PresenceSource.CALENDAR,
                                RECEIVED))));

        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                workers.add(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2000; i++) {
                        Case c = cases.get((i + offset) % cases.size());
                        assertThat(reader.read(c.contentType(), c.body(), null, RECEIVED))
                                .isEqualTo(c.expected());
                        checked++;
                    }
                    return checked;
                });
            }
            int total = 0;
            for (Future<Integer> result : pool.invokeAll(workers)) {
                total += result.get();
            }
            assertThat(total).isEqualTo(threads * 2000);
        } finally {
            pool.shutdownNow();
        }
    }
}
