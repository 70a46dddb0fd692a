package io.ucsync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.engine.Command;
import io.ucsync.routes.RecordingEngine.Call;
import io.ucsync.tlib.TlibConstants;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/tserver-events.camel.yaml alone: the route ucsync makes from its template for the T-Server named main, fed
 * exchanges as the tlib consumer makes them (the event in the body, its name, DN and link in headers).
 */
class TServerEventsRouteTest extends RouteFileTestSupport {

    private static final String DIRECT = "direct:tserver-main";
    private String route;

    @BeforeEach
    void loadTheRouteOfTServerMain() throws Exception {
        route = loadTemplateRoute("tserver-events", "tserver", "main");
        assertThat(route).isEqualTo("tserver-events-main");
    }

    @Test
    void theRouteOfTServerMainTakesTheEventsOfEndpointTlibMain() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, null);
        TlibMessage event = TlibMessage.create(MessageType.EventDNDOn).thisDN("5001");
        Command ready = RouteFixtures.agentReady("sip:alice@ucsync.test", "main");
        engine.answer("onTServerEvent", ready);
        commands.expectedBodiesReceived(List.of(List.of(ready)));

        // the stub of tlib:main is a queue that the route consumes, as it would the link's events
        send("tlib:main", event, false, false);

        commands.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("onTServerEvent", event, false, false));
    }

    @Test
    void eventLinkConnectedTellsTheEngineWhichSwitchLinkIsUpAndDispatchesItsCommands() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, DIRECT);
        Command ready = RouteFixtures.agentReady("sip:alice@ucsync.test", "main");
        engine.answer("onSwitchLinkUp", ready);
        commands.expectedBodiesReceived(List.of(List.of(ready)));

        send(DIRECT, TlibMessage.create(MessageType.EventLinkConnected), false, false);

        commands.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("onSwitchLinkUp", "main"));
    }

    @Test
    void anAgentEventGoesToTheEngineWithWhetherItCameFromAResyncAndItsCommandsToDispatch() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, DIRECT);
        Command publication = RouteFixtures.onThePhone("sip:alice@ucsync.test", "uc");
        engine.answer("onTServerEvent", publication);
        commands.expectedBodiesReceived(List.of(publication), List.of());
        TlibMessage live = TlibMessage.create(MessageType.EventAgentNotReady)
                .thisDN("5001")
                .agentId("agent01")
                .agentWorkMode(AgentWorkMode.AfterCallWork);
        TlibMessage resync = TlibMessage.create(MessageType.EventAddressInfo).thisDN("5001");

        send(DIRECT, live, false, false);
        send(DIRECT, resync, true, true);

        commands.assertIsSatisfied();
        assertThat(engine.calls())
                .containsExactly(
                        Call.of("onTServerEvent", live, false, false), Call.of("onTServerEvent", resync, true, true));
    }

    @Test
    void linkDownAndPrimaryChangedAreLoggedOnly() throws Exception {
        MockEndpoint commands = startWithCommandsMocked(route, DIRECT);
        commands.expectedMessageCount(0);

        send(DIRECT, TlibMessage.create(MessageType.EventLinkDisconnected), false, false);
        send(DIRECT, TlibMessage.create(MessageType.EventPrimaryChanged).serverRole(ServerRole.Primary), false, false);

        commands.assertIsSatisfied();
        assertThat(engine.calls()).isEmpty();
    }

    /** As the tlib consumer of link main hands an event to the route. */
    private void send(String uri, TlibMessage event, boolean fromResync, boolean onNewServer) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(TlibConstants.LINK, "main");
        headers.put(TlibConstants.MESSAGE_TYPE, event.name());
        headers.put(TlibConstants.THIS_DN, event.getThisDN());
        headers.put(TlibConstants.AGENT_ID, event.getAgentId());
        headers.put(TlibConstants.RESYNC, fromResync);
        headers.put(TlibConstants.NEW_SERVER, onNewServer);
        template.sendBodyAndHeaders(uri, event, headers);
    }
}
