package io.ucsync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.ucsync.config.ConfigException;
import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMap;
import io.ucsync.presence.PublishedPresence;

/** The scenarios of DESIGN.md "What it does", on the shipped presence map and the default options. */
class DesiredStateFunctionTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final PresenceMap MAP = shippedMap();
    private static final EngineOptions OPTIONS = EngineOptions.defaults();

    static PresenceMap shippedMap() {
        try {
            return PresenceMap.load(Path.of("config/presence-map.txt"));
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private static Presence presence(Availability availability, String activity, PresenceSource source) {
        return new Presence("sip:kw01@ucsync.test", availability, activity, source, NOW);
    }

    private static Desired desired(WorkerFacts facts) {
        return DesiredStateFunction.desired(facts, MAP, OPTIONS, NOW);
    }

    @ParameterizedTest(name = "{0}/{1}@{2} -> {3}")
    @CsvSource(nullValues = "-", value = {
        // 1. manual presence
        "ONLINE, -, USER, Ready",
        "BUSY, -, USER, 'NotReady(AuxWork, Busy)'",
        "AWAY, -, USER, 'NotReady(AuxWork, Away)'",
        "BE_RIGHT_BACK, -, USER, 'NotReady(AuxWork, BeRightBack)'",
        "DO_NOT_DISTURB, -, USER, 'NotReady(AuxWork, DoNotDisturb)'",
        "OFFLINE, -, USER, LoggedOut",
        // 2. automatic presence: calendar, out of office, idle
        "BUSY, in-a-meeting, CALENDAR, 'NotReady(AuxWork, InAMeeting)'",
        "AWAY, out-of-office, CALENDAR, 'NotReady(AuxWork, OutOfOffice)'",
        "IDLE, -, MACHINE, 'NotReady(AuxWork, Idle)'",
        "BUSY_IDLE, -, MACHINE, 'NotReady(AuxWork, BusyIdle)'",
        "UNKNOWN, -, AGGREGATE, 'NotReady(AuxWork, Unknown)'"})
    void presence_maps_to_agent_state(Availability availability, String activity, PresenceSource source, String expected) {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(availability, activity, source));
        assertThat(desired(facts).agentState()).hasToString(expected);
        assertThat(desired(facts).publish()).isNull();
    }

    @Test
    void no_presence_yet_leaves_the_agent_alone() {
        assertThat(desired(WorkerFacts.NONE)).isEqualTo(new Desired(null, null));
    }

    @Test
    void on_a_call_the_oncall_status_is_published_and_its_echo_never_becomes_a_not_ready() {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withCallStarted("0011223344556677");
        Desired onCall = desired(facts);
        assertThat(onCall.publish()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
        assertThat(onCall.agentState()).isEqualTo(AgentState.READY);

        WorkerFacts echoed = facts.withPublished(onCall.publish())
                .withPresenceFromUc(presence(Availability.DO_NOT_DISTURB, null, PresenceSource.AGGREGATE));
        assertThat(desired(echoed).agentState()).as("our own publication coming back").isEqualTo(AgentState.READY);

        WorkerFacts released = echoed.withCallEnded("0011223344556677");
        assertThat(desired(released)).as("publication removed, own presence shows again").isEqualTo(new Desired(AgentState.READY, null));
    }

    @Test
    void a_real_presence_change_during_a_call_is_still_taken() {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withCallStarted("c1").withPublished(new PublishedPresence(Availability.DO_NOT_DISTURB, null))
                .withPresenceFromUc(presence(Availability.AWAY, null, PresenceSource.USER));
        assertThat(desired(facts).agentState()).isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Away"));
    }

    @Test
    void a_declined_preview_holds_not_ready_until_the_window_ends_then_the_latest_presence_applies() {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withPreviewDeclinedUntil(NOW.plus(Duration.ofMinutes(5)))
                .withPresenceFromUc(presence(Availability.BUSY, null, PresenceSource.USER));
        assertThat(desired(facts).agentState()).isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "PreviewDeclined"));
        assertThat(DesiredStateFunction.desired(facts, MAP, OPTIONS, NOW.plus(Duration.ofMinutes(5))).agentState())
                .as("presence changed inside the window applies when it ends")
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Busy"));
    }

    @Test
    void contact_center_dnd_holds_not_ready_and_turning_it_off_applies_the_current_presence() {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withContactCenterDnd(true)
                .withPresenceFromUc(presence(Availability.BUSY, null, PresenceSource.USER))
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER));
        assertThat(desired(facts)).isEqualTo(new Desired(AgentState.notReady(AgentWorkMode.AuxWork, "CCDoNotDisturb"), null));
        assertThat(desired(facts.withContactCenterDnd(false)).agentState()).isEqualTo(AgentState.READY);
    }

    @Test
    void connector_mode_publishes_the_agent_state_and_never_drives_the_agent() throws ConfigException {
        Properties properties = new Properties();
        properties.setProperty("ucsync.presence-sync-mode", "connector");
        EngineOptions connector = EngineOptions.from("application.properties", properties, Set.of());
        WorkerFacts notReadyLunch = WorkerFacts.NONE.withReportedAgentState(AgentState.notReady(AgentWorkMode.AuxWork, "Lunch"));
        assertThat(DesiredStateFunction.desired(notReadyLunch, MAP, connector, NOW))
                .isEqualTo(new Desired(null, new PublishedPresence(Availability.AWAY, null)));
        // The published presence comes back from the UC side: it maps to nothing, because connector mode drives no agent.
        WorkerFacts echoed = notReadyLunch.withPublished(new PublishedPresence(Availability.AWAY, null))
                .withPresenceFromUc(presence(Availability.AWAY, null, PresenceSource.AGGREGATE));
        assertThat(DesiredStateFunction.desired(echoed, MAP, connector, NOW).agentState()).isNull();
        assertThat(DesiredStateFunction.desired(WorkerFacts.NONE.withReportedAgentState(AgentState.READY).withCallStarted("c1"), MAP, connector, NOW)
                .publish()).isEqualTo(new PublishedPresence(Availability.BUSY, "on-the-phone"));
    }
}
