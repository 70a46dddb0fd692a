package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.config.ConfigException;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as an operator meets it: checked at start, and the map and roster changed while ucsync runs. */
class ConfigurationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void aBrokenRosterLineOrAnUnknownOptionStopsTheStartNamingTheFileTheLineAndTheFix() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.presence-sync-mod=connector")) {
            assertThatThrownBy(() -> Connector.create(ucsync.config()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("application.properties")
                    .hasMessageContaining("unknown option ucsync.presence-sync-mod");
        }
        Path other = Files.createDirectories(home.resolve("other"));
        try (UcsyncHarness ucsync = UcsyncHarness.in(other)) {
            Files.writeString(
                    other.resolve("config/roster.csv"),
                    "sip:kw0009@ucsync.test,50009\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            assertThatThrownBy(() -> Connector.create(ucsync.config()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("roster.csv:5");
        }
    }

    @Test
    void anEditedPresenceMapAppliesAtOnceAndABrokenOneIsRefusedWhileTheLastGoodOneStays() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            Path map = home.resolve(UcsyncHarness.MAP);
            String original = Files.readString(map);

            Files.writeString(
                    map,
                    original.replace(
                            "Busy            => NotReady AuxWork Busy",
                            "Busy            => NotReady AuxWork Occupied"));
            ucsync.awaitAgent(1, "NotReady Occupied");

            Files.writeString(
                    map, original.replace("Busy            => NotReady AuxWork Busy", "Busy            => Sleeping"));
            ucsync.frontEnd().presence(worker(2), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(2, "NotReady Occupied");
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("NotReady Occupied");
        }
    }

    @Test
    void twoTeamsWithMapsOfTheirOwnGetEachTheirOwnAgentStateFromTheSamePresence() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.withTeamMaps(
                        home, "", "maps/meetings-ready.txt", "maps/out-of-office.txt")
                .start()) {
            for (int i = 1; i <= 3; i++) {
                ucsync.awaitAgent(i, "Ready");
            }
            for (int i = 1; i <= 3; i++) {
                ucsync.frontEnd().presence(worker(i), 6500, "in-a-meeting", PresenceSource.CALENDAR);
            }
            ucsync.awaitAgent(1, "NotReady InAMeeting");
            ucsync.awaitAgent(3, "NotReady InAMeeting");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> view(ucsync, 2).get("presence").asText(), "Busy/in-a-meeting@calendar"::equals);
            assertThat(UcsyncHarness.describe(ucsync.agent(2)))
                    .as("the sales team's meeting keeps them Ready")
                    .isEqualTo("Ready");

            for (int i = 1; i <= 3; i++) {
                ucsync.frontEnd().presence(worker(i), 18500, "out-of-office", PresenceSource.CALENDAR);
            }
            ucsync.awaitAgent(1, "LoggedOut");
            ucsync.awaitAgent(2, "LoggedOut");
            ucsync.awaitAgent(3, "NotReady OutOfOffice");

            String rule = "out-of-office.txt:"
                    + lineOf(home.resolve("config/maps/out-of-office.txt"), "Offline/out-of-office ")
                    + " 'Offline/out-of-office => NotReady AuxWork OutOfOffice'";
            assertThat(ucsync.connector().workerViews().audit(worker(3), 1))
                    .singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.change())
                                .isEqualTo("NotReady(AuxWork, InAMeeting) -> NotReady(AuxWork, OutOfOffice)");
                        assertThat(entry.cause())
                                .as("the audit names the map and the rule that decided")
                                .isEqualTo("EventAgentNotReady answering"
                                        + " RequestAgentNotReady, sent because presence Offline/out-of-office@calendar maps to NotReady(AuxWork, OutOfOffice) ("
                                        + rule + ")");
                    });
            JsonNode team = view(ucsync, 3);
            assertThat(team.get("map").asText()).as("what the dashboard shows").isEqualTo("out-of-office.txt");
            assertThat(team.get("why").asText()).endsWith("(" + rule + ")");
            assertThat(view(ucsync, 1).get("map").asText()).isEqualTo("presence-map.txt");
        }
    }

    @Test
    void aTeamMapSavedWithAnErrorKeepsItsLastGoodVersionForThatTeamWhileAnotherTeamsMapIsReloaded() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.withTeamMaps(home, "maps/support.txt", "maps/sales.txt", "")
                        .start();
                LogCapture log = LogCapture.of(UcsyncModule.class)) {
            for (int i = 1; i <= 3; i++) {
                ucsync.awaitAgent(i, "Ready");
            }
            Path support = home.resolve("config/maps/support.txt");
            Path sales = home.resolve("config/maps/sales.txt");
            String original = Files.readString(support);
            String busy = "Busy            => NotReady AuxWork Busy";

            Files.writeString(support, original.replace(busy, "Busy            => Sleeping"));
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> log.linesWith(
                                    "presence map " + support + " refused",
                                    "support.txt:" + lineOf(support, "Busy  ") + ": unknown agent state 'Sleeping'"),
                            lines -> lines.size() == 1);
            Files.writeString(sales, original.replace(busy, "Busy            => NotReady AuxWork SalesBusy"));
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> log.linesWith("presence map " + sales + " reloaded; its 1 workers reconciled"),
                            lines -> lines.size() == 1);

            for (int i = 1; i <= 3; i++) {
                ucsync.frontEnd().presence(worker(i), 6500, null, PresenceSource.USER);
            }
            ucsync.awaitAgent(1, "NotReady Busy");
            ucsync.awaitAgent(2, "NotReady SalesBusy");
            ucsync.awaitAgent(3, "NotReady Busy");

            Files.writeString(support, original.replace(busy, "Busy            => NotReady AuxWork SupportBusy"));
            ucsync.awaitAgent(1, "NotReady SupportBusy");
            assertThat(view(ucsync, 1).get("why").asText())
                    .endsWith("(support.txt:" + lineOf(support, "Busy  ") + " 'Busy => NotReady AuxWork SupportBusy')");
            assertThat(List.of(UcsyncHarness.describe(ucsync.agent(2)), UcsyncHarness.describe(ucsync.agent(3))))
                    .containsExactly("NotReady SalesBusy", "NotReady Busy");
            assertThat(log.linesWith("presence map " + support + " reloaded; its 1 workers reconciled"))
                    .hasSize(1);
        }
    }

    @Test
    void aTeamMapThatIsMissingOrBrokenStopsTheStartNamingTheFileAndTheLine() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.withTeamMaps(home, "", "maps/support.txt")) {
            Path support = home.resolve("config/maps/support.txt");
            Files.writeString(
                    support,
                    Files.readString(support)
                            .replace("Away            => NotReady AuxWork Away", "Away => NotReady Lunch"));
            assertThatThrownBy(() -> Connector.create(ucsync.config()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(
                            "support.txt:" + lineOf(support, "Away => ") + ": 'Lunch' is not a NotReady work mode");
            Files.delete(support);
            assertThatThrownBy(() -> Connector.create(ucsync.config()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("roster.csv:3: map maps/support.txt does not exist (" + support + ")");
        }
    }

    /** The worker's view, as the KW API gives it to the KW page (the dashboard shows the same). */
    private static JsonNode view(UcsyncHarness ucsync, int worker) throws Exception {
        return JSON.readTree(ucsync.api("GET", worker, "").body());
    }

    /** The line of a map that starts with this text. */
    private static int lineOf(Path file, String start) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return 1
                + IntStream.range(0, lines.size())
                        .filter(index -> lines.get(index).startsWith(start))
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void aWorkerRemovedFromTheRosterIsLeftAloneFromThen() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(3, "Ready");
            Path roster = home.resolve("config/roster.csv");
            Files.write(
                    roster,
                    Files.readAllLines(roster).stream()
                            .filter(line -> !line.startsWith(worker(3)))
                            .toList());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ucsync.connector().engine().isRostered(worker(3)));

            ucsync.frontEnd().presence(worker(3), 6500, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(3)).equals("Ready"));
        }
    }

    @Test
    void anyOptionOfTheSipPresenceComponentIsOneLineOfApplicationProperties() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(
                        home, "camel.component.sip-presence.configuration.subscribe-expires=120")
                .start()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ucsync.frontEnd().subscriptions().size() == 3);
            Instant asked = Instant.now().plusSeconds(120);
            assertThat(ucsync.frontEnd().subscriptions())
                    .allSatisfy(subscription ->
                            assertThat(subscription.expires()).isBetween(asked.minusSeconds(15), asked));
        }
    }
}
