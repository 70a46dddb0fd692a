package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ucsync.presence.PresenceSource;

/**
 * ucsync added to an application's own camel-main, as README "Packaging and deployment" shows: its routes, beans and
 * components run beside the application's own route, and presence reaches the T-Server.
 */
class EmbeddingTest {

    @TempDir
    Path home;

    @Test
    void ucsyncRunsInsideAnApplicationsOwnCamelMainBesideItsRoutes() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home)) {
            // the application's own main, its own route, its own HTTP server; ucsync brings the rest
            UcsyncModule module = UcsyncModule.create(ucsync.config());
            Main main = new Main();
            main.addInitialProperty("camel.server.enabled", "true");
            main.addInitialProperty("camel.server.host", "127.0.0.1");
            main.addInitialProperty("camel.server.port", String.valueOf(ucsync.httpPort));
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:application?period=1000").routeId("application-route").log("the application's own route");
                }
            });
            main.addMainListener(module.mainListener());
            Thread application = new Thread(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    module.started().completeExceptionally(e);
                }
            }, "application-main");
            application.start();
            try {
                module.started().get(60, TimeUnit.SECONDS);
                ucsync.awaitAgent(1, "Ready");
                ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
                ucsync.awaitAgent(1, "NotReady Busy");
                assertThat(main.getCamelContext().getRouteController().getRouteStatus("application-route")).isEqualTo(ServiceStatus.Started);
                assertThat(main.getCamelContext().getRouteController().getRouteStatus("presence-in")).isEqualTo(ServiceStatus.Started);
                assertThat(ucsync.signIn(1, UcsyncHarness.password(1))).as("the KW API on the application's HTTP server").isNotNull();
            } finally {
                main.completed();
                application.join(30_000);
            }
        }
    }
}
