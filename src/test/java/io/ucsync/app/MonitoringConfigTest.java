package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ucsync.presence.PresenceSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ucsync ships for monitoring, config/prometheus/ucsync-alerts.yml and config/grafana/ucsync-dashboard.json: every
 * metric they name is one a running ucsync exports, and the rules pass promtool's check and its unit tests (each alert
 * fires when it should and not before). promtool is Debian's prometheus package; without it the test fails.
 */
class MonitoringConfigTest {

    private static final Path RULES = Path.of("config/prometheus/ucsync-alerts.yml");
    private static final Path GRAFANA = Path.of("config/grafana/ucsync-dashboard.json");
    private static final Path RULE_TESTS = Path.of("src/test/resources/prometheus/ucsync-alerts-test.yml");
    /** PromQL words that are not metric names (functions and aggregations are told by the parenthesis after them). */
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "and",
            "or",
            "unless",
            "offset",
            "inf",
            "nan");

    @TempDir
    Path home;

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        assertThat(promtool(Path.of("."), "check", "rules", RULES.toString())).contains("SUCCESS: 6 rules found");
        Files.copy(RULES, home.resolve(RULES.getFileName()));
        Files.copy(RULE_TESTS, home.resolve(RULE_TESTS.getFileName()));
        assertThat(promtool(home, "test", "rules", RULE_TESTS.getFileName().toString()))
                .contains("SUCCESS");
    }

    @Test
    void everyMetricTheAlertsAndTheGrafanaDashboardNameIsOneUcsyncExports() throws Exception {
        List<String> expressions = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                expressions.add(rule.path("expr").asText());
            }
        }
        assertThat(alerts)
                .contains(
                        "UcsyncTServerLinkDown",
                        "UcsyncDrift",
                        "UcsyncUcSubscriptionsFailing",
                        "UcsyncUcServerDown",
                        "UcsyncDecisionLatencyHigh",
                        "UcsyncSipMessagesDropped");
        JsonNode dashboard = new ObjectMapper().readTree(GRAFANA.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText())
                        .as(panel.path("title").asText())
                        .isEqualTo("${datasource}");
                expressions.add(target.path("expr").asText());
            }
        }
        Set<String> named = new TreeSet<>();
        expressions.forEach(expression -> named.addAll(metricNames(expression)));
        assertThat(named).hasSizeGreaterThanOrEqualTo(10);

        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            for (int i = 1; i <= 3; i++) {
                ucsync.awaitAgent(i, "Ready");
            }
            // the switch goes away and the T-Server refuses a request: the error counter exists, and worker 1 drifts
            ucsync.tserver().linkDown();
            ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ucsync.managementPort + "/observe/metrics"))
                    .build();
            await().atMost(Duration.ofSeconds(15))
                    .until(
                            () -> http.send(scrape, HttpResponse.BodyHandlers.ofString())
                                    .body(),
                            body -> body.contains("ucsync_tserver_errors_total")
                                    && body.contains("ucsync_drift_workers 1.0"));
            String body =
                    http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body)
                    .contains(
                            "ucsync_agents{state=\"Ready\"} 3.0",
                            "ucsync_agents{state=\"NotReady\"} 0.0",
                            "ucsync_uc_subscriptions_waiting{pool=\"uc\"} 0.0");
            Set<String> exported = new TreeSet<>();
            for (String line : body.split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
            assertThat(exported).containsAll(named);
        }
    }

    /** The metric names in a PromQL expression: what is left once strings, labels, ranges, grouping and functions are taken out. */
    static Set<String> metricNames(String expression) {
        String bare = expression
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher identifier =
                Pattern.compile("(?<![\\w.$])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(bare);
        while (identifier.find()) {
            if (identifier.group(2) == null
                    && !KEYWORDS.contains(identifier.group(1).toLowerCase())) {
                names.add(identifier.group(1));
            }
        }
        return names;
    }

    /** Runs promtool in a directory; its output, after checking that it succeeded. */
    private static String promtool(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
