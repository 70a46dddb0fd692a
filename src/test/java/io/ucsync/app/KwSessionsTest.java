package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.presence.PresenceSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KW-page sessions with ucsync.kw.subscribe=signed-in: a session left idle ends, and the worker with it; sessions
 * survive a restart of ucsync, so that a signed-in worker stays watched; a worker whose session is gone when ucsync
 * starts is signed out.
 */
class KwSessionsTest {

    private static final int AWAY = 15500;

    @TempDir
    Path home;

    @Test
    void aSessionLeftIdleForTheTimeoutEndsAndSignsTheWorkerOut() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(
                        home, "ucsync.kw.subscribe=signed-in", "ucsync.kw.session-timeout=4s")
                .start()) {
            String session = ucsync.signIn(1, UcsyncHarness.password(1));
            ucsync.awaitAgent(1, "Ready");
            assertThat(ucsync.api("GET", 1, "", session, false).statusCode()).isEqualTo(200);

            // the browser was closed: nothing comes for longer than the timeout
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> ucsync.frontEnd().subscriptions().isEmpty());
            ucsync.awaitAgent(1, "LoggedOut");
            assertThat(ucsync.connector().workerViews().audit(worker(1), 5))
                    .anySatisfy(entry -> assertThat(entry.cause()).contains("the KW-page session expired"));
            assertThat(ucsync.api("GET", 1, "", session, false).statusCode())
                    .as("the session is over")
                    .isEqualTo(401);
        }
    }

    @Test
    void aSignedInWorkerStaysSignedInAndWatchedAcrossARestart() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.kw.subscribe=signed-in").start()) {
            String session = ucsync.signIn(1, UcsyncHarness.password(1));
            ucsync.awaitAgent(1, "Ready");

            ucsync.stop();
            ucsync.start();
            FrontEndEmulator uc = ucsync.frontEnd();
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            uc.subscriptions().stream().anyMatch(s -> s.target().equals(worker(1))));
            assertThat(ucsync.api("GET", 1, "", session, false).statusCode())
                    .as("the session survived")
                    .isEqualTo(200);

            // the worker goes away: the contact center stops routing calls to them
            uc.presence(worker(1), AWAY, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Away");
        }
    }

    @Test
    void aWorkerWhoseSessionIsGoneWhenUcsyncStartsIsSignedOut() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.kw.subscribe=signed-in").start()) {
            ucsync.signIn(1, UcsyncHarness.password(1));
            ucsync.awaitAgent(1, "Ready");

            ucsync.stop();
            try (Connection state =
                            DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/ucsync"), "sa", "");
                    Statement statement = state.createStatement()) {
                statement.execute("DELETE FROM http_sessions");
            }
            ucsync.start();
            ucsync.awaitAgent(1, "LoggedOut");
            assertThat(ucsync.connector().workerViews().audit(worker(1), 5))
                    .anySatisfy(entry ->
                            assertThat(entry.cause()).contains("no KW-page session when this node took the worker on"));
            assertThat(ucsync.frontEnd().subscriptions()).isEmpty();
        }
    }
}
