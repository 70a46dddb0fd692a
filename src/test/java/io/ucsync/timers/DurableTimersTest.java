package io.ucsync.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.state.Partitioning;
import io.ucsync.state.StateDatabase;
import io.ucsync.state.peers.TestStores;
import io.ucsync.state.peers.TestStores.Kind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timers on a real H2 file and on a real PostgreSQL 15, including across a kill -9 of the process that set them (the
 * same tests on both).
 */
class DurableTimersTest {

    @RegisterExtension
    static final TestStores stores = new TestStores();

    @TempDir
    Path dir;

    private final List<FiredTimer> fired = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_timer_fires_at_its_time_and_can_be_moved_or_cancelled(Kind kind) throws Exception {
        try (StateDatabase database = stores.database(kind, dir).open();
                DurableTimers timers = new DurableTimers(database, Partitioning.SINGLE, null, fired::add)) {
            timers.start(0);
            Instant soon = Instant.now().plusMillis(800);
            timers.schedule(
                    "preview-decline", "sip:kw01@ucsync.test", Instant.now().plusSeconds(3600));
            timers.schedule("preview-decline", "sip:kw01@ucsync.test", soon);
            timers.schedule(
                    "preview-decline", "sip:kw02@ucsync.test", Instant.now().plusMillis(500));
            assertThat(timers.cancel("preview-decline", "sip:kw02@ucsync.test")).isTrue();
            assertThat(timers.pendingOf("sip:kw01@ucsync.test"))
                    .containsExactly(new PendingTimer(
                            "preview-decline", "sip:kw01@ucsync.test", soon.truncatedTo(ChronoUnit.MILLIS)));
            assertThat(timers.pendingOf("sip:kw02@ucsync.test")).isEmpty();
            assertThat(timers.pendingCount()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(10)).until(() -> !fired.isEmpty());
            assertThat(fired)
                    .containsExactly(new FiredTimer(
                            "preview-decline", "sip:kw01@ucsync.test", soon.truncatedTo(ChronoUnit.MILLIS)));
            assertThat(Instant.now()).isAfterOrEqualTo(soon);
            await("the fired timer no longer counted")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> timers.pendingCount() == 0);
            assertThat(timers.pendingOf("sip:kw01@ucsync.test")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void timers_set_by_a_process_killed_with_kill_9_fire_after_restart_on_time_or_at_once_if_overdue(Kind kind)
            throws Exception {
        Instant overdue = Instant.now().plusSeconds(1);
        Instant later = Instant.now().plusSeconds(6);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TimerSettingProcess.class.getName()));
        TestStores.Database store = stores.database(kind, dir);
        command.addAll(List.of(store.url(), store.user(), store.password()));
        command.addAll(List.of(overdue.toString(), later.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals(TimerSettingProcess.READY)) {
                // skip the child's log lines until it says its timers are stored
            }
            assertThat(line).isEqualTo(TimerSettingProcess.READY);
        }
        process.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(overdue.plusSeconds(1)));

        try (StateDatabase database = store.open();
                DurableTimers timers = new DurableTimers(database, Partitioning.SINGLE, null, fired::add)) {
            timers.start(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> fired.size() == 1);
            assertThat(fired.get(0).workerKey())
                    .as("overdue while the process was down: fires at once")
                    .isEqualTo("sip:kw01@ucsync.test");
            assertThat(timers.pendingOf("sip:kw02@ucsync.test"))
                    .as("the other one, stored before the kill")
                    .extracting(PendingTimer::fireAt)
                    .containsExactly(later.truncatedTo(ChronoUnit.MILLIS));
            await().atMost(Duration.ofSeconds(15)).until(() -> fired.size() == 2);
            assertThat(fired.get(1).workerKey()).isEqualTo("sip:kw02@ucsync.test");
            assertThat(Instant.now()).as("fires on time, not early").isAfterOrEqualTo(later);
        }
    }

    /** The connector in miniature: sets two timers, says so, and waits to be killed. Arguments: URL, user, password, times. */
    public static final class TimerSettingProcess {

        static final String READY = "timers stored";

        public static void main(String[] args) throws Exception {
            DurableTimers timers = new DurableTimers(
                    StateDatabase.open(args[0], args[1], args[2]), Partitioning.SINGLE, null, timer -> {});
            timers.start(0);
            timers.schedule("preview-decline", "sip:kw01@ucsync.test", Instant.parse(args[3]));
            timers.schedule("preview-decline", "sip:kw02@ucsync.test", Instant.parse(args[4]));
            System.out.println(READY);
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
