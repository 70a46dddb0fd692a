package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ucsync.presence.PresenceSource;
import io.ucsync.config.ConfigException;

/** The configuration as an operator meets it: checked at start, and the map and roster changed while ucsync runs. */
class ConfigurationTest {

    @TempDir
    Path home;

    @Test
    void aBrokenRosterLineOrAnUnknownOptionStopsTheStartNamingTheFileTheLineAndTheFix() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.presence-sync-mod=connector")) {
            assertThatThrownBy(() -> Connector.create(ucsync.config())).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("application.properties").hasMessageContaining("unknown option ucsync.presence-sync-mod");
        }
        Path other = Files.createDirectories(home.resolve("other"));
        try (UcsyncHarness ucsync = UcsyncHarness.in(other)) {
            Files.writeString(other.resolve("config/roster.csv"), "sip:kw0009@ucsync.test,50009\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            assertThatThrownBy(() -> Connector.create(ucsync.config())).isInstanceOf(ConfigException.class)
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

            Files.writeString(map, original.replace("Busy            => NotReady AuxWork Busy", "Busy            => NotReady AuxWork Occupied"));
            ucsync.awaitAgent(1, "NotReady Occupied");

            Files.writeString(map, original.replace("Busy            => NotReady AuxWork Busy", "Busy            => Sleeping"));
            ucsync.frontEnd().presence(worker(2), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(2, "NotReady Occupied");
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("NotReady Occupied");
        }
    }

    @Test
    void aWorkerRemovedFromTheRosterIsLeftAloneFromThen() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(3, "Ready");
            Path roster = home.resolve("config/roster.csv");
            Files.write(roster, Files.readAllLines(roster).stream().filter(line -> !line.startsWith(worker(3))).toList());
            await().atMost(Duration.ofSeconds(10)).until(() -> !ucsync.connector().engine().isRostered(worker(3)));

            ucsync.frontEnd().presence(worker(3), 6500, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "NotReady Busy");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(3)).equals("Ready"));
        }
    }

    @Test
    void anyOptionOfTheSipPresenceComponentIsOneLineOfApplicationProperties() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "camel.component.sip-presence.configuration.subscribe-expires=120").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ucsync.frontEnd().subscriptions().size() == 3);
            Instant asked = Instant.now().plusSeconds(120);
            assertThat(ucsync.frontEnd().subscriptions()).allSatisfy(subscription ->
                    assertThat(subscription.expires()).isBetween(asked.minusSeconds(15), asked));
        }
    }
}
