package io.ucsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;

import org.junit.jupiter.api.Test;
import io.ucsync.engine.AgentAction;
import io.ucsync.engine.AgentState;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.engine.ReconcilePlan;

/** The roster, the presence map and the options as an admin writes them, good and bad. */
class WorkerConfigTest {

    private static final String COMPLETE = """
            Online => Ready
            Idle => NotReady AuxWork Idle
            Busy => NotReady AuxWork Busy
            BusyIdle => NotReady AuxWork BusyIdle
            DoNotDisturb => NotReady AuxWork DoNotDisturb
            BeRightBack => NotReady AuxWork BeRightBack
            Away => NotReady AuxWork Away
            Offline => LoggedOut
            Unknown => NotReady AuxWork Unknown
            [reverse]
            Ready => Online
            NotReady => Busy
            LoggedOut => Offline
            OnCall => Busy/on-the-phone
            """;

    private static Presence presence(Availability availability, String activity, PresenceSource source) {
        return new Presence("sip:kw01@ucsync.test", availability, activity, source, Instant.EPOCH);
    }

    @Test
    void the_shipped_configuration_is_valid() throws ConfigException {
        PresenceMap.load(Path.of("config/presence-map.txt"));
        Roster roster = Roster.load(Path.of("config/roster.csv"), Set.of("main"));
        assertThat(roster.entries()).hasSize(20);
        assertThat(roster.byDn("5007")).get().extracting(RosterEntry::agentId).isEqualTo("agent07");
    }

    @Test
    void the_most_specific_rule_wins() throws ConfigException {
        PresenceMap map = PresenceMap.parse("presence-map.txt", (COMPLETE.replace("[reverse]", """
                Busy@calendar => NotReady AuxWork Calendar
                Busy/in-a-meeting => NotReady AfterCallWork Meeting
                Busy/in-a-meeting@calendar => NotReady WalkAway CalendarMeeting
                [reverse]""")).lines().toList());
        assertThat(map.agentStateFor(presence(Availability.BUSY, null, PresenceSource.USER))).hasToString("NotReady(AuxWork, Busy)");
        assertThat(map.agentStateFor(presence(Availability.BUSY, null, PresenceSource.CALENDAR))).hasToString("NotReady(AuxWork, Calendar)");
        assertThat(map.agentStateFor(presence(Availability.BUSY, "in-a-meeting", PresenceSource.USER))).hasToString("NotReady(AfterCallWork, Meeting)");
        assertThat(map.agentStateFor(presence(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR)))
                .isEqualTo(AgentState.notReady(AgentWorkMode.WalkAway, "CalendarMeeting"));
    }

    @Test
    void a_bad_map_is_refused_with_file_line_and_reason() {
        String broken = COMPLETE.replace("Idle => NotReady AuxWork Idle", "Idel => NotReady AuxWork Idle")
                .replace("Away => NotReady AuxWork Away", "Away => NotReady Lunch")
                .replace("Offline => LoggedOut", "Offline -> LoggedOut");
        assertThatThrownBy(() -> PresenceMap.parse("presence-map.txt", broken.lines().toList()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "presence-map.txt:2: unknown availability 'Idel' (fix: use one of Online, Idle, Busy, BusyIdle, DoNotDisturb, BeRightBack, Away, Offline, Unknown)",
                        "presence-map.txt:7: 'Lunch' is not a NotReady work mode (fix: use one of AuxWork, AfterCallWork, NoCallDisconnect, WalkAway)",
                        "presence-map.txt:8: no '=>' in 'Offline -> LoggedOut' (fix: write LEFT => RIGHT, e.g. 'Busy => NotReady AuxWork Busy')",
                        "presence-map.txt: no rule for availability Idle (fix: add a line 'Idle => ...')",
                        "presence-map.txt: no rule for availability Away (fix: add a line 'Away => ...')",
                        "presence-map.txt: no rule for availability Offline (fix: add a line 'Offline => ...')"));
    }

    @Test
    void a_duplicate_rule_and_a_missing_reverse_rule_are_refused() {
        String broken = COMPLETE.replace("OnCall => Busy/on-the-phone", "") + "Busy => NotReady AuxWork Again\n";
        assertThatThrownBy(() -> PresenceMap.parse("presence-map.txt", broken.lines().toList()))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "presence-map.txt:15: unknown agent state 'Busy' in [reverse] (fix: use Ready, NotReady, NotReady:ReasonCode, LoggedOut or OnCall)",
                        "presence-map.txt: no reverse rule for OnCall (fix: add 'OnCall => Availability[/activity]' under [reverse])"));
        String twice = COMPLETE.replace("[reverse]", "Busy => NotReady AuxWork Again\n[reverse]");
        assertThatThrownBy(() -> PresenceMap.parse("presence-map.txt", twice.lines().toList()))
                .hasMessage("presence-map.txt:10: 'Busy' already has a rule on line 3 (fix: keep one of the two lines)");
    }

    @Test
    void a_bad_roster_is_refused_with_every_line_at_fault() {
        List<String> lines = List.of(
                "sip_uri,dn,agent_id,tserver,queue,password",
                "sip:a@x,5001,agent01,main",
                "sip:b@x,5001,agent02,main",
                "b@x,5003,agent03,main",
                "sip:c@x,5004,agent01,main",
                "sip:d@x,5005,agent05,mian",
                "sip:e@x,5006");
        assertThatThrownBy(() -> Roster.parse("roster.csv", lines, Set.of("main")))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "roster.csv:3: DN 5001 is already on line 2 (fix: give each worker their own DN)",
                        "roster.csv:4: 'b@x' is not a SIP URI (fix: write it as sip:user@domain)",
                        "roster.csv:5: AgentID agent01 is already on line 2 (fix: give each worker their own AgentID)",
                        "roster.csv:6: unknown T-Server 'mian' (fix: use one of [main] or configure it)",
                        "roster.csv:7: 2 fields (fix: write sip_uri,dn,agent_id,tserver[,queue[,password]])"));
    }

    @Test
    void a_roster_password_never_shows_in_logs() throws ConfigException {
        Roster roster = Roster.parse("roster.csv", List.of("sip:a@x,5001,agent01,main,q1,s3cret"), Set.of("main"));
        assertThat(roster.entries().get(0).password()).isEqualTo("s3cret");
        assertThat(roster.entries().get(0).toString()).doesNotContain("s3cret").contains("password=***");
    }

    @Test
    void options_default_as_documented_and_refuse_bad_values() throws ConfigException {
        EngineOptions defaults = EngineOptions.defaults();
        assertThat(defaults.syncMode()).isEqualTo(EngineOptions.SyncMode.INTEGRATION);
        assertThat(defaults.onCallStatus()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
        assertThat(defaults.onCallStatusEnabled()).isTrue();
        assertThat(defaults.notReadyTimeout()).isEqualTo(Duration.ofMinutes(5));

        Properties properties = new Properties();
        properties.setProperty("ucsync.notready-timeout", "PT90S");
        properties.setProperty("ucsync.oncall-status", "Busy/on-the-phone");
        EngineOptions custom = EngineOptions.from("application.properties", properties, Set.of());
        assertThat(custom.notReadyTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(custom.onCallStatus()).isEqualTo(new PublishedPresence(Availability.BUSY, "on-the-phone"));

        Properties bad = new Properties();
        bad.setProperty("ucsync.presence-sync-mode", "both");
        bad.setProperty("ucsync.notready-timeout", "five minutes");
        bad.setProperty("ucsync.oncall-staus", "Busy");
        bad.setProperty("ucsync.tserver.main.endpoints", "127.0.0.1:7000");
        assertThatThrownBy(() -> EngineOptions.from("application.properties", bad, Set.of("ucsync.tserver.")))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3)
                        .anySatisfy(p -> assertThat(p).startsWith("application.properties: unknown option ucsync.oncall-staus (fix: check the spelling"))
                        .contains("application.properties: ucsync.presence-sync-mode=both is not a sync mode (fix: use integration or connector)",
                                "application.properties: ucsync.notready-timeout=five minutes is not a positive duration (fix: write e.g. 300s, 5m or PT5M)"));
    }

    @Test
    void reconcile_plans_take_the_fewest_requests() {
        AgentState busy = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");
        AgentState away = AgentState.notReady(AgentWorkMode.AuxWork, "Away");
        assertThat(ReconcilePlan.between(null, AgentState.READY)).containsExactly(new AgentAction.Query());
        assertThat(ReconcilePlan.between(AgentState.LOGGED_OUT, AgentState.READY)).containsExactly(new AgentAction.Login(AgentWorkMode.ManualIn, null));
        assertThat(ReconcilePlan.between(AgentState.LOGGED_OUT, busy)).containsExactly(new AgentAction.Login(AgentWorkMode.AuxWork, "Busy"));
        assertThat(ReconcilePlan.between(AgentState.READY, busy)).containsExactly(new AgentAction.NotReady(AgentWorkMode.AuxWork, "Busy"));
        assertThat(ReconcilePlan.between(busy, away)).containsExactly(new AgentAction.NotReady(AgentWorkMode.AuxWork, "Away"));
        assertThat(ReconcilePlan.between(busy, AgentState.READY)).containsExactly(new AgentAction.Ready());
        assertThat(ReconcilePlan.between(busy, AgentState.LOGGED_OUT)).containsExactly(new AgentAction.Logout());
        assertThat(ReconcilePlan.between(busy, busy)).isEmpty();
        assertThat(ReconcilePlan.between(busy, null)).isEmpty();
    }
}
