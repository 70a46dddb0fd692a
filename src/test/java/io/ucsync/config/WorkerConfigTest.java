package io.ucsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.ucsync.engine.AgentAction;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.ReconcilePlan;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The roster, the presence map and the options as an admin writes them, good and bad. */
class WorkerConfigTest {

    /** Where the rosters of these tests are, for the maps they name. */
    private static final Path HERE = Path.of("config");

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
        Roster roster = Roster.load(Path.of("config/roster.csv"), Set.of("main"), Set.of("pool-b"));
        assertThat(roster.entries()).hasSize(20);
        assertThat(roster.byDn("5007")).get().extracting(RosterEntry::agentId).isEqualTo("agent07");
        assertThat(roster.byDn("5007"))
                .get()
                .extracting(RosterEntry::password, RosterEntry::pool, RosterEntry::map)
                .containsExactly("demo", null, null);
    }

    @Test
    void the_example_maps_differ_from_the_default_map_where_they_say() throws ConfigException {
        PresenceMap standard = PresenceMap.load(Path.of("config/presence-map.txt"));
        PresenceMap outOfOffice = PresenceMap.load(Path.of("config/maps/out-of-office.txt"));
        PresenceMap meetingsReady = PresenceMap.load(Path.of("config/maps/meetings-ready.txt"));
        Presence onHoliday = presence(Availability.OFFLINE, "out-of-office", PresenceSource.CALENDAR);
        Presence inAMeeting = presence(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR);
        Presence inAConference = presence(Availability.BUSY, "in-a-conference", PresenceSource.USER);

        assertThat(standard.ruleFor(onHoliday).agentState()).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(outOfOffice.ruleFor(onHoliday).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "OutOfOffice"));
        assertThat(outOfOffice.ruleFor(inAMeeting).agentState())
                .isEqualTo(standard.ruleFor(inAMeeting).agentState());

        assertThat(standard.ruleFor(inAMeeting).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "InAMeeting"));
        assertThat(meetingsReady.ruleFor(inAMeeting).agentState()).isEqualTo(AgentState.READY);
        assertThat(meetingsReady.ruleFor(inAConference).agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.AuxWork, "InAConference"));
        assertThat(meetingsReady.ruleFor(onHoliday).agentState()).isEqualTo(AgentState.LOGGED_OUT);
    }

    @Test
    void the_most_specific_rule_wins() throws ConfigException {
        PresenceMap map = PresenceMap.parse(
                "presence-map.txt", (COMPLETE.replace("[reverse]", """
                Busy@calendar => NotReady AuxWork Calendar
                Busy/in-a-meeting => NotReady AfterCallWork Meeting
                Busy/in-a-meeting@calendar => NotReady WalkAway CalendarMeeting
                [reverse]""")).lines().toList());
        assertThat(map.ruleFor(presence(Availability.BUSY, null, PresenceSource.USER))
                        .agentState())
                .hasToString("NotReady(AuxWork, Busy)");
        assertThat(map.ruleFor(presence(Availability.BUSY, null, PresenceSource.CALENDAR))
                        .agentState())
                .hasToString("NotReady(AuxWork, Calendar)");
        assertThat(map.ruleFor(presence(Availability.BUSY, "in-a-meeting", PresenceSource.USER))
                        .agentState())
                .hasToString("NotReady(AfterCallWork, Meeting)");
        PresenceMap.Rule calendarMeeting =
                map.ruleFor(presence(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR));
        assertThat(calendarMeeting.agentState())
                .isEqualTo(AgentState.notReady(AgentWorkMode.WalkAway, "CalendarMeeting"));
        assertThat(calendarMeeting)
                .as("each rule keeps its file, line and text")
                .hasToString("presence-map.txt:12 'Busy/in-a-meeting@calendar => NotReady WalkAway CalendarMeeting'");
    }

    @Test
    void a_rule_is_named_with_its_columns_closed_up_and_without_its_comment() throws ConfigException {
        PresenceMap map = PresenceMap.parse(
                "support.txt",
                (COMPLETE.replace(
                                "[reverse]",
                                "Busy/in-a-meeting        =>   NotReady  AuxWork   InAMeeting   # meetings are not for calls\n[reverse]"))
                        .lines()
                        .toList());
        assertThat(map.name()).isEqualTo("support.txt");
        assertThat(map.ruleFor(presence(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR)))
                .hasToString("support.txt:10 'Busy/in-a-meeting => NotReady AuxWork InAMeeting'");
    }

    @Test
    void a_bad_map_is_refused_with_file_line_and_reason() {
        String broken = COMPLETE.replace("Idle => NotReady AuxWork Idle", "Idel => NotReady AuxWork Idle")
                .replace("Away => NotReady AuxWork Away", "Away => NotReady Lunch")
                .replace("Offline => LoggedOut", "Offline -> LoggedOut");
        assertThatThrownBy(() ->
                        PresenceMap.parse("presence-map.txt", broken.lines().toList()))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactly(
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
        assertThatThrownBy(() ->
                        PresenceMap.parse("presence-map.txt", broken.lines().toList()))
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactly(
                                        "presence-map.txt:15: unknown agent state 'Busy' in [reverse] (fix: use Ready, NotReady, NotReady:ReasonCode, LoggedOut or OnCall)",
                                        "presence-map.txt: no reverse rule for OnCall (fix: add 'OnCall => Availability[/activity]' under [reverse])"));
        String twice = COMPLETE.replace("[reverse]", "Busy => NotReady AuxWork Again\n[reverse]");
        assertThatThrownBy(() ->
                        PresenceMap.parse("presence-map.txt", twice.lines().toList()))
                .hasMessage(
                        "presence-map.txt:10: 'Busy' already has a rule on line 3 (fix: keep one of the two lines)");
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
                "sip:e@x,5006",
                "sip:f@x,5007,agent07,main,q1,pw,extra");
        assertThatThrownBy(() -> Roster.parse("roster.csv", HERE, lines, Set.of("main"), Set.of("pool-b")))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "roster.csv:3: DN 5001 is already on line 2 (fix: give each worker their own DN)",
                                "roster.csv:4: 'b@x' is not a SIP URI (fix: write it as sip:user@domain)",
                                "roster.csv:5: AgentID agent01 is already on line 2 (fix: give each worker their own AgentID)",
                                "roster.csv:6: unknown T-Server 'mian' (fix: use one of [main] or configure it)",
                                "roster.csv:7: no agent_id, tserver (fix: fill in the worker's agent_id, tserver (sip_uri, dn, agent_id, tserver are required))",
                                "roster.csv:8: 7 fields, but the header line (line 1) names 6 columns (fix: write one field per column,"
                                        + " an empty one for a column left out)"));
    }

    @Test
    void a_roster_password_never_shows_in_logs() throws ConfigException {
        Roster roster = Roster.parse(
                "roster.csv",
                HERE,
                List.of("sip_uri,dn,agent_id,tserver,queue,password", "sip:a@x,5001,agent01,main,q1,s3cret"),
                Set.of("main"),
                Set.of("pool-b"));
        assertThat(roster.entries().get(0).password()).isEqualTo("s3cret");
        assertThat(roster.entries().get(0).toString()).doesNotContain("s3cret").contains("password=***");
    }

    @Test
    void the_roster_header_names_the_columns_in_any_order_and_optional_ones_may_be_left_out(@TempDir Path config)
            throws Exception {
        Files.createDirectories(config.resolve("maps"));
        Files.writeString(config.resolve("maps/support.txt"), COMPLETE);
        Path elsewhere = Files.writeString(
                Files.createDirectories(config.resolve("elsewhere")).resolve("sales.txt"), COMPLETE);
        Roster roster = Roster.parse(
                "roster.csv",
                config.resolve("."),
                List.of(
                        "# team maps",
                        "map, tserver, agent_id, sip_uri, pool, dn",
                        "maps/support.txt,main,agent01,sip:a@x,pool-b,5001",
                        elsewhere + ",main,agent02,sip:b@x,,5002",
                        ",main,agent03,sip:c@x,,5003"),
                Set.of("main"),
                Set.of("pool-b"));
        assertThat(roster.entries())
                .extracting(
                        RosterEntry::sipUri, RosterEntry::dn, RosterEntry::agentId, RosterEntry::pool, RosterEntry::map)
                .containsExactly(
                        tuple("sip:a@x", "5001", "agent01", "pool-b", config.resolve("maps/support.txt")),
                        tuple("sip:b@x", "5002", "agent02", null, elsewhere),
                        tuple("sip:c@x", "5003", "agent03", null, null));
        assertThat(roster.entries())
                .allSatisfy(worker -> assertThat(worker.queue()).isNull())
                .allSatisfy(worker -> assertThat(worker.password()).isNull());
    }

    @Test
    void a_roster_header_with_an_unknown_duplicated_or_missing_column_is_refused_at_its_line() {
        List<String> lines = List.of("# the roster", "sip_uri,dn,agentid,queue,dn,map,", "sip:a@x,5001,agent01,,,");
        assertThatThrownBy(() -> Roster.parse("roster.csv", HERE, lines, Set.of("main"), Set.of("pool-b")))
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactly(
                                        "roster.csv:2: column dn is named twice (columns 2 and 5) (fix: name each column once)",
                                        "roster.csv:2: unknown column 'agentid' (fix: name the columns sip_uri, dn, agent_id, tserver, queue, password,"
                                                + " pool, map, in any order)",
                                        "roster.csv:2: an empty column name (fix: name the columns sip_uri, dn, agent_id, tserver, queue, password,"
                                                + " pool, map, in any order)",
                                        "roster.csv:2: no column agent_id (fix: add agent_id to the header line (sip_uri, dn, agent_id, tserver are required))",
                                        "roster.csv:2: no column tserver (fix: add tserver to the header line (sip_uri, dn, agent_id, tserver are required))"));
    }

    @Test
    void a_roster_without_a_header_line_is_refused_without_showing_the_workers_password() {
        assertThatThrownBy(() -> Roster.parse(
                        "roster.csv",
                        HERE,
                        List.of("# no header", "sip:a@x,5001,agent01,main,,s3cret"),
                        Set.of("main"),
                        Set.of("pool-b")))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "roster.csv:2: the first line is not a header line: it names none of the columns sip_uri, dn, agent_id, tserver,"
                                        + " queue, password, pool, map (fix: start the file with a line naming its columns, e.g."
                                        + " 'sip_uri,dn,agent_id,tserver,queue,password')"));
        assertThatThrownBy(() ->
                        Roster.parse("roster.csv", HERE, List.of("# nobody yet"), Set.of("main"), Set.of("pool-b")))
                .hasMessage("roster.csv: no header line (fix: start the file with a line naming its columns, e.g."
                        + " 'sip_uri,dn,agent_id,tserver,queue,password')");
    }

    @Test
    void a_map_the_roster_names_must_exist(@TempDir Path config) {
        List<String> lines = List.of("sip_uri,dn,agent_id,tserver,map", "sip:a@x,5001,agent01,main,maps/suport.txt");
        assertThatThrownBy(() -> Roster.parse("roster.csv", config, lines, Set.of("main"), Set.of("pool-b")))
                .hasMessage(
                        "roster.csv:2: map maps/suport.txt does not exist (" + config.resolve("maps/suport.txt")
                                + ") (fix: correct the"
                                + " map column (relative to the roster's directory), or write the map: config/maps/ has examples)");
    }

    @Test
    void each_map_is_reloaded_on_its_own_and_one_refused_keeps_its_last_good_version(@TempDir Path config)
            throws Exception {
        Path standard = Files.writeString(config.resolve("presence-map.txt"), COMPLETE);
        Path support = Files.writeString(
                Files.createDirectories(config.resolve("maps")).resolve("support.txt"),
                COMPLETE.replace("Busy => NotReady AuxWork Busy", "Busy => NotReady AuxWork Support"));
        Path roster = Files.writeString(config.resolve("roster.csv"), """
                sip_uri,dn,agent_id,tserver,map
                sip:a@x,5001,agent01,main,
                sip:b@x,5002,agent02,main,maps/support.txt
                """);
        PresenceMaps maps = PresenceMaps.load(standard, Roster.load(roster, Set.of("main"), Set.of("pool-b")));
        Roster workers = Roster.load(roster, Set.of("main"), Set.of("pool-b"));
        RosterEntry a = workers.bySipUri("sip:a@x").orElseThrow();
        RosterEntry b = workers.bySipUri("sip:b@x").orElseThrow();
        Presence busy = presence(Availability.BUSY, null, PresenceSource.USER);
        assertThat(maps.forWorker(a).ruleFor(busy)).hasToString("presence-map.txt:3 'Busy => NotReady AuxWork Busy'");
        assertThat(maps.forWorker(b).ruleFor(busy)).hasToString("support.txt:3 'Busy => NotReady AuxWork Support'");
        assertThat(maps.files()).containsExactly(standard, support);

        Files.writeString(support, COMPLETE.replace("Busy => NotReady AuxWork Busy", "Busy => Sleeping"));
        assertThatThrownBy(() -> maps.reload(support))
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .first()
                                .isEqualTo(
                                        "support.txt:3: unknown agent state 'Sleeping' (fix: use Ready, LoggedOut or NotReady WorkMode Reason)"));
        assertThat(maps.forWorker(b).ruleFor(busy).agentState())
                .as("the last good version")
                .hasToString("NotReady(AuxWork, Support)");

        Files.writeString(standard, COMPLETE.replace("Busy => NotReady AuxWork Busy", "Busy => Ready"));
        maps.reload(standard);
        assertThat(maps.forWorker(a).ruleFor(busy).agentState()).isEqualTo(AgentState.READY);
        assertThat(maps.forWorker(b).ruleFor(busy).agentState()).hasToString("NotReady(AuxWork, Support)");
    }

    @Test
    void every_problem_of_every_map_the_roster_names_stops_the_start(@TempDir Path config) throws Exception {
        Path standard = Files.writeString(config.resolve("presence-map.txt"), COMPLETE);
        Files.writeString(
                config.resolve("support.txt"),
                COMPLETE.replace("Away => NotReady AuxWork Away", "Away => NotReady Lunch"));
        Files.writeString(config.resolve("sales.txt"), COMPLETE.replace("Online => Ready", "Online => Ready Now"));
        Path roster = Files.writeString(config.resolve("roster.csv"), """
                sip_uri,dn,agent_id,tserver,map
                sip:a@x,5001,agent01,main,support.txt
                sip:b@x,5002,agent02,main,sales.txt
                sip:c@x,5003,agent03,main,support.txt
                """);
        Roster workers = Roster.load(roster, Set.of("main"), Set.of("pool-b"));
        assertThatThrownBy(() -> PresenceMaps.load(standard, workers))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "support.txt:7: 'Lunch' is not a NotReady work mode (fix: use one of AuxWork, AfterCallWork, NoCallDisconnect, WalkAway)",
                                "support.txt: no rule for availability Away (fix: add a line 'Away => ...')",
                                "sales.txt:1: Ready takes nothing after it: 'Ready Now' (fix: write just 'Ready')",
                                "sales.txt: no rule for availability Online (fix: add a line 'Online => ...')"));
    }

    @Test
    void options_default_as_documented_and_refuse_bad_values() throws ConfigException {
        EngineOptions defaults = EngineOptions.defaults();
        assertThat(defaults.syncMode()).isEqualTo(EngineOptions.SyncMode.INTEGRATION);
        assertThat(defaults.onCallStatus()).isEqualTo(new PublishedPresence(Availability.DO_NOT_DISTURB, null));
        assertThat(defaults.pushStatus()).isTrue();
        assertThat(defaults.onCallTrigger()).isEqualTo(EngineOptions.OnCallTrigger.ESTABLISHED);
        assertThat(defaults.externalChanges()).isEqualTo(EngineOptions.ExternalChanges.RESPECT);
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
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .hasSize(3)
                                .anySatisfy(
                                        p -> assertThat(p)
                                                .startsWith(
                                                        "application.properties: unknown option ucsync.oncall-staus (fix: check the spelling"))
                                .contains(
                                        "application.properties: ucsync.presence-sync-mode=both is not one of integration, connector (fix: use integration or connector)",
                                        "application.properties: ucsync.notready-timeout=five minutes is not a positive duration (fix: write e.g. 300s, 5m or PT5M)"));
    }

    @Test
    void the_old_name_of_push_status_still_works_and_warns_once_naming_the_new_key() throws ConfigException {
        Properties old = new Properties();
        old.setProperty("ucsync.oncall-status-enabled", "false");
        try (LogCapture log = LogCapture.of(EngineOptions.class)) {
            assertThat(EngineOptions.from("application.properties", old, Set.of())
                            .pushStatus())
                    .isFalse();
            assertThat(log.lines())
                    .containsExactly("WARN application.properties: ucsync.oncall-status-enabled is deprecated,"
                            + " read as ucsync.push-status: rename it");
        }
        Properties both = new Properties();
        both.setProperty("ucsync.oncall-status-enabled", "false");
        both.setProperty("ucsync.push-status", "true");
        assertThat(EngineOptions.from("application.properties", both, Set.of()).pushStatus())
                .as("the new key wins")
                .isTrue();

        Properties choices = new Properties();
        choices.setProperty("ucsync.external-changes", "revert");
        choices.setProperty("ucsync.oncall-trigger", "ringing");
        EngineOptions chosen = EngineOptions.from("application.properties", choices, Set.of());
        assertThat(chosen.externalChanges()).isEqualTo(EngineOptions.ExternalChanges.REVERT);
        assertThat(chosen.onCallTrigger()).isEqualTo(EngineOptions.OnCallTrigger.RINGING);
        choices.setProperty("ucsync.external-changes", "ignore");
        assertThatThrownBy(() -> EngineOptions.from("application.properties", choices, Set.of()))
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactly(
                                        "application.properties: ucsync.external-changes=ignore is not one of respect, revert (fix: use respect or revert)"));
    }

    @Test
    void reconcile_plans_take_the_fewest_requests() {
        AgentState busy = AgentState.notReady(AgentWorkMode.AuxWork, "Busy");
        AgentState away = AgentState.notReady(AgentWorkMode.AuxWork, "Away");
        assertThat(ReconcilePlan.between(null, AgentState.READY)).containsExactly(new AgentAction.Query());
        assertThat(ReconcilePlan.between(AgentState.LOGGED_OUT, AgentState.READY))
                .containsExactly(new AgentAction.Login(AgentWorkMode.ManualIn, null));
        assertThat(ReconcilePlan.between(AgentState.LOGGED_OUT, busy))
                .containsExactly(new AgentAction.Login(AgentWorkMode.AuxWork, "Busy"));
        assertThat(ReconcilePlan.between(AgentState.READY, busy))
                .containsExactly(new AgentAction.NotReady(AgentWorkMode.AuxWork, "Busy"));
        assertThat(ReconcilePlan.between(busy, away))
                .containsExactly(new AgentAction.NotReady(AgentWorkMode.AuxWork, "Away"));
        assertThat(ReconcilePlan.between(busy, AgentState.READY)).containsExactly(new AgentAction.Ready());
        assertThat(ReconcilePlan.between(busy, AgentState.LOGGED_OUT)).containsExactly(new AgentAction.Logout());
        assertThat(ReconcilePlan.between(busy, busy)).isEmpty();
        assertThat(ReconcilePlan.between(busy, null)).isEmpty();
    }
}
