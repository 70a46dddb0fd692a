package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.presence.Availability;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.ConnectionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UC front ends and pools from configuration alone (README "Pointing ucsync at real servers"): a pool of two front
 * ends, the first of which goes away; and two pools, each watching only its own workers.
 */
class UcPoolsTest {

    private static final int BUSY = 6500;
    private static final String UCSYNC = "sip:ucsync@ucsync.test";
    /** A silent front end noticed within about three seconds (keep-alive 1 s, requests given up after 2 s). */
    private static final String FAST_FAILOVER = "ucsync.uc.keep-alive-interval=1\nucsync.uc.request-timeout=2000\n"
            + "ucsync.uc.retry-initial-delay=200\nucsync.uc.retry-max-delay=1000\n";

    @TempDir
    Path home;

    @Test
    void whenTheFirstFrontEndOfThePoolStopsEverythingIsMadeAgainOnTheSecondAndNoPresenceIsLost() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home);
                FrontEndEmulator second = frontEndWithWorkers(1, 2, 3)) {
            FrontEndEmulator first = ucsync.frontEnd();
            Files.writeString(
                    ucsync.config(),
                    "ucsync.uc.server=127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port() + "\n" + FAST_FAILOVER,
                    StandardOpenOption.APPEND);
            ucsync.start();
            ucsync.awaitAgent(1, "Ready");
            await().atMost(Duration.ofSeconds(10)).until(() -> watched(first).size() == 3);
            ConnectionId call = ucsync.tserver().call("+4930123456", UcsyncHarness.dn(1));
            ucsync.tserver().answer(call);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !first.publications(worker(1)).isEmpty());

            long stopped = System.nanoTime();
            first.close();
            await("every subscription made again on the second front end")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> watched(second).size() == 3);
            long movedMillis = (System.nanoTime() - stopped) / 1_000_000;
            await("the on-call publication made again there")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> second.publications(worker(1)).stream()
                            .anyMatch(p -> p.availability() == Availability.DO_NOT_DISTURB.msPresValue()));

            second.presence(worker(2), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(2, "NotReady Busy");
            System.out.printf(
                    "UC pool failover: every subscription on the second front end %d ms after the first stopped%n",
                    movedMillis);
        }
    }

    @Test
    void twoPoolsEachWatchTheirOwnWorkersAndPublishTheirs() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.withPools(home, 3, Map.of(3, "emea"));
                FrontEndEmulator emea = frontEndWithWorkers(3)) {
            Files.writeString(
                    ucsync.config(),
                    "ucsync.uc.emea.server=127.0.0.1:" + emea.port() + "\n",
                    StandardOpenOption.APPEND);
            ucsync.start();
            FrontEndEmulator defaultPool = ucsync.frontEnd();
            ucsync.awaitAgent(3, "Ready");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> watched(defaultPool).equals(Set.of(worker(1), worker(2)))
                            && watched(emea).equals(Set.of(worker(3))));
            assertThat(ucsync.connector().camelContext().getRoute("presence-in-uc"))
                    .isNotNull();
            assertThat(ucsync.connector().camelContext().getRoute("presence-in-emea"))
                    .isNotNull();

            emea.presence(worker(3), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(3, "NotReady Busy");
            defaultPool.presence(worker(1), BUSY, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");

            ConnectionId call = ucsync.tserver().call("+4930123456", UcsyncHarness.dn(3));
            ucsync.tserver().answer(call);
            await("the on-call presence of an emea worker is published on emea")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !emea.publications(worker(3)).isEmpty());
            assertThat(defaultPool.publications(worker(3))).isEmpty();
        }
    }

    /** A front end of the pool, which knows these workers (Online), as every front end of a pool does. */
    private static FrontEndEmulator frontEndWithWorkers(int... workers) {
        FrontEndEmulator frontEnd =
                FrontEndEmulator.start(FrontEndEmulatorConfig.builder().build());
        for (int worker : workers) {
            frontEnd.presence(worker(worker), UcsyncHarness.ONLINE, null, PresenceSource.USER);
        }
        return frontEnd;
    }

    /** The workers ucsync subscribes to on this front end. */
    private static Set<String> watched(FrontEndEmulator frontEnd) {
        return frontEnd.subscriptions().stream()
                .filter(s -> s.watcher().equals(UCSYNC))
                .map(FrontEndEmulator.SubscriptionInfo::target)
                .collect(Collectors.toSet());
    }
}
