package io.ucsync.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ucsync.state.StateDatabase;
import io.ucsync.state.StateStoreException;
import io.ucsync.state.peers.PostgresPeer;

/**
 * Timers on a real H2 file and on a real PostgreSQL 15, including across a kill -9 of the process that set them (the
 * same tests on both).
 */
class DurableTimersTest {

    private static PostgresPeer postgres;

    @TempDir
    Path dir;
    /** This test's PostgreSQL database, made on first use. */
    private String postgresUrl;

    private final List<FiredTimer> fired = new CopyOnWriteArrayList<>();

    /** The two stores ucsync supports. */
    enum Store { H2, POSTGRESQL }

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresPeer.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    /** This test's database of that kind: URL, user, password. */
    private List<String> database(Store kind) {
        if (kind == Store.H2) {
            // WRITE_DELAY=0: H2 otherwise flushes commits up to half a second late, which a kill -9 would lose.
            return List.of("jdbc:h2:file:" + dir.resolve("timers") + ";WRITE_DELAY=0", "sa", "");
        }
        if (postgresUrl == null) {
            postgresUrl = postgres.createDatabase();
        }
        return List.of(postgresUrl, postgres.user(), "");
    }

    private static StateDatabase open(List<String> database) throws StateStoreException {
        return StateDatabase.open(database.get(0), database.get(1), database.get(2));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_timer_fires_at_its_time_and_can_be_moved_or_cancelled(Store kind) throws Exception {
        try (StateDatabase database = open(database(kind)); DurableTimers timers = new DurableTimers(database, fired::add)) {
            timers.start();
            Instant soon = Instant.now().plusMillis(800);
            timers.schedule("preview-decline", "sip:kw01@ucsync.test", Instant.now().plusSeconds(3600));
            timers.schedule("preview-decline", "sip:kw01@ucsync.test", soon);
            timers.schedule("preview-decline", "sip:kw02@ucsync.test", Instant.now().plusMillis(500));
            assertThat(timers.cancel("preview-decline", "sip:kw02@ucsync.test")).isTrue();
            assertThat(timers.pending()).containsExactly(new PendingTimer("preview-decline", "sip:kw01@ucsync.test", soon.truncatedTo(ChronoUnit.MILLIS)));

            await().atMost(Duration.ofSeconds(10)).until(() -> !fired.isEmpty());
            assertThat(fired).containsExactly(new FiredTimer("preview-decline", "sip:kw01@ucsync.test", soon.truncatedTo(ChronoUnit.MILLIS)));
            assertThat(Instant.now()).isAfterOrEqualTo(soon);
            assertThat(timers.pending()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void timers_set_by_a_process_killed_with_kill_9_fire_after_restart_on_time_or_at_once_if_overdue(Store kind) throws Exception {
        Instant overdue = Instant.now().plusSeconds(1);
        Instant later = Instant.now().plusSeconds(6);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TimerSettingProcess.class.getName()));
        command.addAll(database(kind));
        command.addAll(List.of(overdue.toString(), later.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null && !line.equals(TimerSettingProcess.READY)) {
                // skip the child's log lines until it says its timers are stored
            }
            assertThat(line).isEqualTo(TimerSettingProcess.READY);
        }
        process.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(overdue.plusSeconds(1)));

        try (StateDatabase database = open(database(kind)); DurableTimers timers = new DurableTimers(database, fired::add)) {
            assertThat(timers.pending()).as("stored before start").hasSize(2);
            timers.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> fired.size() == 1);
            assertThat(fired.get(0).workerKey()).as("overdue while the process was down: fires at once").isEqualTo("sip:kw01@ucsync.test");
            await().atMost(Duration.ofSeconds(15)).until(() -> fired.size() == 2);
            assertThat(fired.get(1).workerKey()).isEqualTo("sip:kw02@ucsync.test");
            assertThat(Instant.now()).as("fires on time, not early").isAfterOrEqualTo(later);
        }
    }

    /** The connector in miniature: sets two timers, says so, and waits to be killed. Arguments: URL, user, password, times. */
    public static final class TimerSettingProcess {

        static final String READY = "timers stored";

        public static void main(String[] args) throws Exception {
            DurableTimers timers = new DurableTimers(StateDatabase.open(args[0], args[1], args[2]), timer -> { });
            timers.start();
            timers.schedule("preview-decline", "sip:kw01@ucsync.test", Instant.parse(args[3]));
            timers.schedule("preview-decline", "sip:kw02@ucsync.test", Instant.parse(args[4]));
            System.out.println(READY);
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
