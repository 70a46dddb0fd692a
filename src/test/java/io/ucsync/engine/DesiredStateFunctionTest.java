package io.ucsync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.config.ConfigException;
import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMap;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    @CsvSource(
            nullValues = "-",
            value = {
                // 1. manual presence
                "ONLINE, -, USER, Ready",
                "BUSY, -, USER, 'NotReady(AuxWork, Busy)'",
                "AWAY, -, USER, 'NotReady(AuxWork, Away)'",
                "BE_RIGHT_BACK, -, USER, 'NotReady(AuxWork, BeRightBack)'",
                "DO_NOT_DISTURB, -, USER, 'NotReady(AuxWork, DoNotDisturb)'",
                "OFFLINE, -, USER, LoggedOut",
                "OFFLINE, out-of-office, CALENDAR, LoggedOut",
                // 2. automatic presence: calendar, out of office, idle
                "BUSY, in-a-meeting, CALENDAR, 'NotReady(AuxWork, InAMeeting)'",
                "AWAY, out-of-office, CALENDAR, 'NotReady(AuxWork, OutOfOffice)'",
                "IDLE, -, MACHINE, 'NotReady(AuxWork, Idle)'",
                "BUSY_IDLE, -, MACHINE, 'NotReady(AuxWork, BusyIdle)'",
                "UNKNOWN, -, AGGREGATE, 'NotReady(AuxWork, Unknown)'"
            })
    void presence_maps_to_agent_state(
            Availability availability, String activity, PresenceSource source, String expected) {
        WorkerFacts facts = WorkerFacts.NONE.withPresenceFromUc(presence(availability, activity, source));
        assertThat(desired(facts).agentState()).hasToString(expected);
        assertThat(desired(facts).publish()).isNull();
    }

    @Test
    void the_reason_names_the_map_and_the_rule_that_decided() throws Exception {
        WorkerFacts inAMeeting = WorkerFacts.NONE.withPresenceFromUc(
                presence(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR));
        assertThat(desired(inAMeeting).reason())
                .isEqualTo("presence Busy/in-a-meeting@calendar maps to NotReady(AuxWork, InAMeeting)"
                        + " (presence-map.txt:" + lineOf("config/presence-map.txt", "Busy/in-a-meeting ")
                        + " 'Busy/in-a-meeting => NotReady AuxWork InAMeeting')");
        PresenceMap meetingsReady = PresenceMap.load(Path.of("config/maps/meetings-ready.txt"));
        assertThat(DesiredStateFunction.desired(inAMeeting, meetingsReady, OPTIONS, NOW)
                        .reason())
                .isEqualTo("presence Busy/in-a-meeting@calendar maps to Ready (meetings-ready.txt:"
                        + lineOf("config/maps/meetings-ready.txt", "Busy/in-a-meeting ")
                        + " 'Busy/in-a-meeting => Ready')");
    }

    /** The line of a shipped file that starts with this text. */
    private static int lineOf(String file, String start) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file));
        return 1
                + IntStream.range(0, lines.size())
                        .filter(index -> lines.get(index).startsWith(start))
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void no_presence_yet_leaves_the_agent_alone() {
        assertThat(desired(WorkerFacts.NONE).agentState()).isNull();
        assertThat(desired(WorkerFacts.NONE).publish()).isNull();
    }

    @Test
    void on_an_answered_call_the_oncall_status_is_published_and_its_echo_never_becomes_a_not_ready() {
        WorkerFacts ringing = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withCallPhase("0011223344556677", WorkerFacts.CallPhase.ALERTING);
        assertThat(desired(ringing).publish())
                .as("a call that only rings shows nothing")
                .isNull();
        WorkerFacts facts = ringing.withCallPhase("0011223344556677", WorkerFacts.CallPhase.ESTABLISHED);
        Desired onCall = desired(facts);
        assertThat(onCall.publish()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
        assertThat(onCall.agentState()).isEqualTo(AgentState.READY);

        WorkerFacts echoed = facts.withPublished(onCall.publish())
                .withPresenceFromUc(presence(Availability.DO_NOT_DISTURB, null, PresenceSource.AGGREGATE));
        assertThat(desired(echoed).agentState())
                .as("our own publication coming back")
                .isEqualTo(AgentState.READY);

        WorkerFacts released = echoed.withCallEnded("0011223344556677");
        assertThat(desired(released).publish()).as("publication removed").isNull();
        assertThat(desired(released).agentState())
                .as("own presence shows again")
                .isEqualTo(AgentState.READY);
    }

    @Test
    void a_real_presence_change_during_a_call_is_still_taken() {
        WorkerFacts facts = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withCallPhase("c1", WorkerFacts.CallPhase.ESTABLISHED)
                .withPublished(new PublishedPresence(Availability.DO_NOT_DISTURB, null))
                .withPresenceFromUc(presence(Availability.AWAY, null, PresenceSource.USER));
        assertThat(desired(facts).agentState()).isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Away"));
    }

    @Test
    void a_declined_preview_holds_not_ready_until_the_window_ends_then_the_latest_presence_applies() {
        WorkerFacts facts = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withPreviewDeclinedUntil(NOW.plus(Duration.ofMinutes(5)))
                .withPresenceFromUc(presence(Availability.BUSY, null, PresenceSource.USER));
        assertThat(desired(facts).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "PreviewDeclined"));
        assertThat(DesiredStateFunction.desired(facts, MAP, OPTIONS, NOW.plus(Duration.ofMinutes(5)))
                        .agentState())
                .as("presence changed inside the window applies when it ends")
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Busy"));
    }

    @Test
    void contact_center_dnd_holds_not_ready_and_turning_it_off_applies_the_current_presence() {
        WorkerFacts facts = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withContactCenterDnd(true)
                .withPresenceFromUc(presence(Availability.BUSY, null, PresenceSource.USER))
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER));
        assertThat(desired(facts).agentState()).isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "CCDoNotDisturb"));
        assertThat(desired(facts).reason()).isEqualTo("the worker set contact-center Do-Not-Disturb");
        assertThat(desired(facts.withContactCenterDnd(false)).agentState()).isEqualTo(AgentState.READY);
    }

    @Test
    void connector_mode_publishes_the_agent_state_and_never_drives_the_agent() throws ConfigException {
        Properties properties = new Properties();
        properties.setProperty("ucsync.presence-sync-mode", "connector");
        EngineOptions connector = EngineOptions.from("application.properties", properties, Set.of());
        WorkerFacts notReadyLunch =
                WorkerFacts.NONE.withReportedAgentState(AgentState.notReady(AgentWorkMode.AuxWork, "Lunch"));
        assertThat(DesiredStateFunction.desired(notReadyLunch, MAP, connector, NOW)
                        .agentState())
                .isNull();
        assertThat(DesiredStateFunction.desired(notReadyLunch, MAP, connector, NOW)
                        .publish())
                .isEqualTo(new PublishedPresence(Availability.AWAY, null));
        // The published presence comes back from the UC side: it maps to nothing, because connector mode drives no
        // agent.
        WorkerFacts echoed = notReadyLunch
                .withPublished(new PublishedPresence(Availability.AWAY, null))
                .withPresenceFromUc(presence(Availability.AWAY, null, PresenceSource.AGGREGATE));
        assertThat(DesiredStateFunction.desired(echoed, MAP, connector, NOW).agentState())
                .isNull();
        WorkerFacts answered = WorkerFacts.NONE
                .withReportedAgentState(AgentState.READY)
                .withCallPhase("c1", WorkerFacts.CallPhase.ESTABLISHED);
        assertThat(DesiredStateFunction.desired(answered, MAP, connector, NOW).publish())
                .isEqualTo(new PublishedPresence(Availability.BUSY, "on-the-phone"));
    }

    @Test
    void with_oncall_trigger_ringing_a_call_that_rings_already_counts() throws ConfigException {
        Properties properties = new Properties();
        properties.setProperty("ucsync.oncall-trigger", "ringing");
        EngineOptions ringing = EngineOptions.from("application.properties", properties, Set.of());
        WorkerFacts facts = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withCallPhase("c1", WorkerFacts.CallPhase.ALERTING);
        assertThat(DesiredStateFunction.desired(facts, MAP, ringing, NOW).publish())
                .isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
        assertThat(DesiredStateFunction.desired(facts.withCallEnded("c1"), MAP, ringing, NOW)
                        .publish())
                .isNull();
    }

    @Test
    void an_external_change_leaves_the_agent_alone_until_one_of_ucsyncs_own_inputs_changes() {
        AgentState acw = AgentState.notReady(AgentWorkMode.AfterCallWork, "ACW");
        WorkerFacts online = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withReportedAgentState(AgentState.READY);
        WorkerFacts held = online.withExternalChange(acw, new WorkerFacts.ExternalChange(NOW, false));
        assertThat(desired(held).agentState()).as("the desktop's ACW stands").isNull();
        assertThat(desired(held).reason()).startsWith("the agent state was set by another T-Server client");
        assertThat(DesiredStateFunction.fromInputs(held, MAP, OPTIONS, NOW).agentState())
                .as("what the presence still asks for")
                .isEqualTo(AgentState.READY);

        assertThat(desired(held.withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER)))
                        .agentState())
                .as("the same presence again (a refresh) is no change")
                .isNull();
        assertThat(desired(held.withPresenceFromUc(presence(Availability.BUSY, null, PresenceSource.USER)))
                        .agentState())
                .as("the next presence change applies the map")
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "Busy"));
        assertThat(desired(held.withContactCenterDnd(true)).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "CCDoNotDisturb"));
        assertThat(desired(held.withContactCenterDnd(false)).agentState())
                .as("DND already off: no change")
                .isNull();
        assertThat(desired(held.withPreviewDeclinedUntil(NOW.plusSeconds(60))).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "PreviewDeclined"));

        WorkerFacts reverted = online.withExternalChange(acw, new WorkerFacts.ExternalChange(NOW, true));
        assertThat(desired(reverted).agentState())
                .as("revert mode answers the first external change")
                .isEqualTo(AgentState.READY);
    }

    @Test
    void the_oncall_presence_is_published_while_an_external_change_holds_the_agent() {
        WorkerFacts held = WorkerFacts.NONE
                .withPresenceFromUc(presence(Availability.ONLINE, null, PresenceSource.USER))
                .withExternalChange(AgentState.LOGGED_OUT, new WorkerFacts.ExternalChange(NOW, false))
                .withCallPhase("c1", WorkerFacts.CallPhase.ESTABLISHED);
        assertThat(desired(held).agentState()).isNull();
        assertThat(desired(held).publish()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
    }
}
