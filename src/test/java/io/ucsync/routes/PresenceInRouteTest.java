package io.ucsync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.engine.Command;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.routes.RecordingEngine.Call;
import io.ucsync.sip.SipPresenceConstants;
import io.ucsync.sip.peers.LogCapture;
import java.time.Instant;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** routes/presence-in.camel.yaml alone: the route ucsync makes from its template for the default UC pool, uc. */
class PresenceInRouteTest extends RouteFileTestSupport {

    private static final String ALICE = "sip:alice@ucsync.test";
    /** Replaces the route's input where a test needs it synchronous. */
    private static final String DIRECT = "direct:presence-uc";

    private String route;

    @BeforeEach
    void loadTheRouteOfPoolUc() throws Exception {
        route = loadTemplateRoute("presence-in", "pool", "uc");
    }

    @Test
    void aPresenceOfARosteredWorkerOnPoolUcGoesToTheEngineAndItsCommandsToDispatch() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, null);
        engine.roster(ALICE);
        Command ready = RouteFixtures.agentReady(ALICE, "main");
        engine.answer("onPresence", ready);
        commands.expectedBodiesReceived(List.of(List.of(ready)));

        // the stub of sip-presence:uc is a queue that the route consumes, as it would the pool's user agent
        Presence presence = presence(ALICE);
        template.sendBodyAndHeader("sip-presence:uc", presence, SipPresenceConstants.WORKER, ALICE);

        commands.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("isRostered", ALICE), Call.of("onPresence", presence));
    }

    @Test
    void aPresenceOfAWorkerNotOnTheRosterIsLoggedAndGoesNowhere() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, DIRECT);
        String stranger = "sip:mallory@ucsync.test";
        commands.expectedMessageCount(0);
        // the log EIP logs under the route's id
        try (LogCapture log = LogCapture.of(route)) {
            template.sendBodyAndHeader(DIRECT, presence(stranger), SipPresenceConstants.WORKER, stranger);
            assertThat(log.linesWith("WARN", "presence of " + stranger + " on pool uc ignored: not in the roster"))
                    .hasSize(1);
        }
        commands.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("isRostered", stranger));
    }

    private static Presence presence(String sipUri) {
        return new Presence(
                sipUri,
                Availability.BUSY,
                "in-a-meeting",
                PresenceSource.CALENDAR,
                Instant.parse("2026-11-24T10:00:00Z"));
    }
}
