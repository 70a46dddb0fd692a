package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.PresenceSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator's monitoring polls: health of the T-Server links and UC subscriptions, and Prometheus metrics. */
class OperabilityTest {

    @TempDir
    Path home;

    @Test
    void metricsCountPresencesRequestsByTypeAndErrorsByCodeInPrometheusFormat() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");
            ucsync.frontEnd().presence(UcsyncHarness.worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest metrics = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ucsync.managementPort + "/observe/metrics"))
                    .build();
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> http.send(metrics, HttpResponse.BodyHandlers.ofString())
                                    .body(),
                            body -> body.contains("ucsync_tserver_request_latency_seconds_bucket"));
            String body =
                    http.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body)
                    .containsPattern("ucsync_presence_changes_total(\\{[^}]*})? [4-9]")
                    .containsPattern("ucsync_tserver_requests_total\\{[^}]*type=\"RequestAgentLogin\"[^}]*} 3")
                    .containsPattern("ucsync_tserver_requests_total\\{[^}]*type=\"RequestAgentNotReady\"[^}]*} 1")
                    .containsPattern("ucsync_tserver_link_up\\{[^}]*link=\"main\"[^}]*} 1")
                    .containsPattern("ucsync_uc_subscriptions_active(\\{[^}]*})? 3")
                    .containsPattern("ucsync_sip_stack_received_total\\{[^}]*pool=\"uc\"[^}]*} [1-9]")
                    .containsPattern("ucsync_sip_stack_queued\\{[^}]*pool=\"uc\"[^}]*} 0")
                    .containsPattern("ucsync_sip_stack_removed_stuck_total\\{[^}]*pool=\"uc\"[^}]*} 0")
                    .containsPattern("ucsync_sip_udp_receive_drops_total\\{[^}]*pool=\"uc\"[^}]*} 0")
                    .containsPattern("ucsync_sip_subscribes_in_flight\\{[^}]*pool=\"uc\"[^}]*} 0")
                    .contains("ucsync_timers_pending");
        }
    }

    @Test
    void healthIsUpWithLinksAndSubscriptionsAndDownWhenTheTServerGoesAway() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ucsync.managementPort + "/observe/health"))
                    .build();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);
            String up = http.send(health, HttpResponse.BodyHandlers.ofString()).body();
            assertThat(up)
                    .contains("{\"name\":\"tserver-link-main\",\"status\":\"UP\"}")
                    .contains("{\"name\":\"uc-pool-uc\",\"status\":\"UP\"}");

            ucsync.tserver().kill();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 503);
            assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).body())
                    .contains("{\"name\":\"tserver-link-main\",\"status\":\"DOWN\"}");
        }
    }
}
