package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.PresenceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ucsync added to an application's own camel-main, as src/main/docs/operations.md "Packaging and deployment" shows: its
 * routes, beans and components run beside the application's own route, presence reaches the T-Server, and ucsync stops
 * with the application; a ucsync that cannot start fails the application's start.
 */
class EmbeddingTest {

    private static final List<String> UCSYNC_THREADS =
            List.of("worker-lane-", "worker-store-writer", "ucsync-file-watcher", "tlib-", "ucsync-sip-");

    @TempDir
    Path home;

    @Test
    void ucsyncRunsInsideAnApplicationsOwnCamelMainBesideItsRoutes() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home)) {
            // the application's own main, its own route, its own HTTP server; ucsync brings the rest
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            UcsyncModule module = UcsyncModule.create(ucsync.config());
            Main main = applicationMain(ucsync);
            main.addMainListener(module.mainListener());
            Thread application = new Thread(
                    () -> {
                        try {
                            main.run();
                        } catch (Exception e) {
                            module.started().completeExceptionally(e);
                        }
                    },
                    "application-main");
            application.start();
            try {
                module.started().get(60, TimeUnit.SECONDS);
                ucsync.awaitAgent(1, "Ready");
                ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
                ucsync.awaitAgent(1, "NotReady Busy");
                assertThat(main.getCamelContext().getRouteController().getRouteStatus("application-route"))
                        .isEqualTo(ServiceStatus.Started);
                assertThat(main.getCamelContext().getRouteController().getRouteStatus("presence-in-uc"))
                        .isEqualTo(ServiceStatus.Started);
                assertThat(ucsync.signIn(1, UcsyncHarness.password(1)))
                        .as("the KW API on the application's HTTP server")
                        .isNotNull();
            } finally {
                main.completed();
                application.join(30_000);
            }
            assertThat(ucsync.frontEnd().subscriptions())
                    .as("ucsync unsubscribed when the application stopped")
                    .isEmpty();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ucsyncThreadsSince(before)).isEmpty());
        }
    }

    @Test
    void aRouteFileThatDoesNotLoadFailsTheApplicationsStartNamingTheFileAndLeavesNothingOfUcsyncRunning()
            throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home)) {
            Path timers = home.resolve("routes/timers.camel.yaml");
            Files.writeString(timers, Files.readString(timers).replace("id: timers", "idd: timers"));
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            UcsyncModule module = UcsyncModule.create(ucsync.config());
            Main main = applicationMain(ucsync);
            main.addMainListener(module.mainListener());

            assertThatThrownBy(main::start)
                    .hasMessageContaining("timers.camel.yaml")
                    .hasMessageContaining("idd");
            assertThat(main.getCamelContext().isStopped()).isTrue();
            assertThat(module.started()).isCompletedExceptionally();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ucsyncThreadsSince(before)).isEmpty());
        }
    }

    @Test
    void ucsyncRefusesAContextThatHasAlreadyStarted() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home)) {
            UcsyncModule module = UcsyncModule.create(ucsync.config());
            Main main = applicationMain(ucsync);
            main.start();
            try {
                assertThatThrownBy(() -> module.addTo(main.getCamelContext()))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("before it starts");
            } finally {
                main.stop();
                module.close();
            }
        }
    }

    /** The application's own camel-main: its own HTTP server settings and its own route. */
    private static Main applicationMain(UcsyncHarness ucsync) {
        Main main = new Main();
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.host", "127.0.0.1");
        main.addInitialProperty("camel.server.port", String.valueOf(ucsync.httpPort));
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:application?period=1000")
                        .routeId("application-route")
                        .log("the application's own route");
            }
        });
        return main;
    }

    /** ucsync's threads (lanes, store, file watcher, T-Server links, SIP user agents) started since {@code before}. */
    private static List<String> ucsyncThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> UCSYNC_THREADS.stream().anyMatch(name::contains))
                .toList();
    }
}
