package io.ucsync.tlib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DnLanesTest {

    private static final int LANES = 4;

    private DefaultCamelContext camel;
    private DnLanes lanes;
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
        lanes = new DnLanes(camel.getExecutorServiceManager(), this, "test-lanes", LANES);
    }

    @AfterEach
    void stop() throws Exception {
        lanes.shutdown();
        camel.close();
    }

    @Test
    void one_dns_messages_run_in_order_while_another_dns_go_past_a_slow_one() throws Exception {
        String slowDn = "5001";
        String otherDn = dnOnAnotherLane(slowDn);
        CountDownLatch release = new CountDownLatch(1);
        lanes.execute(slowDn, () -> {
            waitFor(release);
            ran.add("slow 1");
        });
        lanes.execute(slowDn, () -> ran.add("slow 2"));
        lanes.execute(otherDn, () -> ran.add("other"));

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("other"));
        assertThat(ran).containsExactly("other");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 3);
        assertThat(ran).containsExactly("other", "slow 1", "slow 2");
    }

    @Test
    void a_message_without_a_dn_runs_after_everything_before_it_and_before_everything_after_it() throws Exception {
        String firstDn = "5001";
        String secondDn = dnOnAnotherLane(firstDn);
        CountDownLatch release = new CountDownLatch(1);
        lanes.execute(firstDn, () -> ran.add("first"));
        lanes.execute(secondDn, () -> {
            waitFor(release);
            ran.add("second, slow");
        });
        lanes.execute(null, () -> ran.add("link event"));
        lanes.execute(firstDn, () -> ran.add("after, first DN"));
        lanes.execute(secondDn, () -> ran.add("after, second DN"));

        await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains("first"));
        assertThat(ran).as("nothing given after the link event ran before it").containsExactly("first");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 5);
        assertThat(ran.subList(0, 3)).containsExactly("first", "second, slow", "link event");
        assertThat(ran.subList(3, 5)).containsExactlyInAnyOrder("after, first DN", "after, second DN");
    }

    @Test
    void messages_without_a_dn_in_a_row_keep_their_order() {
        for (int i = 0; i < 20; i++) {
            int n = i;
            lanes.execute(null, () -> ran.add("link " + n));
            lanes.execute(String.valueOf(5000 + i), () -> ran.add("dn " + n));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 40);
        for (int i = 0; i < 20; i++) {
            assertThat(ran.indexOf("link " + i)).isLessThan(ran.indexOf("dn " + i));
            if (i > 0) {
                assertThat(ran.indexOf("dn " + (i - 1))).isLessThan(ran.indexOf("link " + i));
            }
        }
    }

    /** A DN whose lane is not {@code dn}'s. */
    private static String dnOnAnotherLane(String dn) {
        for (int candidate = 6000; ; candidate++) {
            String other = String.valueOf(candidate);
            if (Math.floorMod(other.hashCode(), LANES) != Math.floorMod(dn.hashCode(), LANES)) {
                return other;
            }
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
