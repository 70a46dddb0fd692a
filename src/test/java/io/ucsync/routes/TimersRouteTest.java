package io.ucsync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.engine.Command;
import io.ucsync.engine.SyncEngine;
import io.ucsync.routes.RecordingEngine.Call;
import io.ucsync.timers.FiredTimer;
import java.time.Instant;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** routes/timers.camel.yaml alone, consuming seda:timers, the queue the durable timers put fired timers on. */
class TimersRouteTest extends RouteFileTestSupport {

    private MockEndpoint commands;

    @BeforeEach
    void loadTheRoute() throws Exception {
        load("timers.camel.yaml");
        commands = startWithCommandsMocked("timers", null);
    }

    @Test
    void aFiredTimerGoesToTheEngineAndItsCommandsToDispatch() throws Exception {
        Command ready = RouteFixtures.agentReady("sip:alice@ucsync.test", "main");
        engine.answer("onTimer", ready);
        commands.expectedBodiesReceived(List.of(List.of(ready)));
        FiredTimer timer = new FiredTimer(
                SyncEngine.PREVIEW_DECLINE_TIMER, "sip:alice@ucsync.test", Instant.parse("2026-11-24T10:05:00Z"));

        template.sendBody("seda:timers", timer);

        commands.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("onTimer", timer));
    }
}
