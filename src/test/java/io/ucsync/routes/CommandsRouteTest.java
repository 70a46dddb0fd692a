package io.ucsync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.engine.TServerRequest;
import io.ucsync.engine.UcPublication;
import io.ucsync.routes.RecordingEngine.Call;
import io.ucsync.sip.SipPresenceException;
import io.ucsync.tlib.link.LinkDownException;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/commands.camel.yaml alone: the engine's commands dispatched to the worker's T-Server (tlib) or UC pool
 * (sip-presence), and what comes of them back to the engine, whose answers are dispatched in turn.
 */
class CommandsRouteTest extends RouteFileTestSupport {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final String BOB = "sip:bob@ucsync.test";
    private static final TlibMessage READY =
            TlibMessage.create(MessageType.EventAgentReady).thisDN("5001");

    @BeforeEach
    void loadTheRoutes() throws Exception {
        load("commands.camel.yaml");
        adviseAndStart("dispatch-commands", routes -> routes.mockEndpointsAndSkip("tlib:*", "sip-presence:*"));
    }

    @Test
    void aTServerRequestGoesToItsWorkersTServerAndTheAnswerBackToTheEngine() throws Exception {
        TServerRequest onMain = RouteFixtures.agentReady(ALICE, "main");
        TServerRequest onSiteB = RouteFixtures.agentReady(BOB, "site-b");
        MockEndpoint main = tserverAnswering("main", READY);
        main.expectedBodiesReceived(onMain.request());
        MockEndpoint siteB = tserverAnswering("site-b", READY);
        siteB.expectedBodiesReceived(onSiteB.request());

        template.sendBody("direct:commands", List.of(onMain, onSiteB));

        MockEndpoint.assertIsSatisfied(main, siteB);
        assertThat(engine.calls())
                .containsExactly(Call.of("onResponse", onMain, READY), Call.of("onResponse", onSiteB, READY));
    }

    @Test
    void theCommandsTheEngineAnswersToAResponseAreDispatchedInTurn() throws Exception {
        TServerRequest ready = RouteFixtures.agentReady(ALICE, "main");
        UcPublication onThePhone = RouteFixtures.onThePhone(ALICE, "uc");
        engine.answer("onResponse", onThePhone);
        tserverAnswering("main", READY);
        MockEndpoint uc = getMockEndpoint("mock:sip-presence:uc");
        uc.expectedBodiesReceived(onThePhone.publication());

        template.sendBody("direct:commands", List.of(ready));

        uc.assertIsSatisfied();
        assertThat(engine.calls()).containsExactly(Call.of("onResponse", ready, READY));
    }

    @Test
    void aRequestTheLinkCouldNotCarryGoesToTheEngineWithItsException() throws Exception {
        TServerRequest ready = RouteFixtures.agentReady(ALICE, "main");
        LinkDownException down =
                new LinkDownException("T-Server link 'main' is CONNECTING; RequestAgentReady on DN 5001 not sent");
        getMockEndpoint("mock:tlib:main").whenAnyExchangeReceived(exchange -> {
            throw down;
        });

        template.sendBody("direct:commands", List.of(ready));

        assertThat(engine.calls()).containsExactly(Call.of("onRequestFailed", ready, down));
    }

    @Test
    void aPublicationGoesToItsWorkersUcPool() throws Exception {
        UcPublication onUc = RouteFixtures.onThePhone(ALICE, "uc");
        UcPublication onEmea = RouteFixtures.onThePhone(BOB, "emea");
        MockEndpoint uc = getMockEndpoint("mock:sip-presence:uc");
        uc.expectedBodiesReceived(onUc.publication());
        MockEndpoint emea = getMockEndpoint("mock:sip-presence:emea");
        emea.expectedBodiesReceived(onEmea.publication());

        template.sendBody("direct:commands", List.of(onUc, onEmea));

        MockEndpoint.assertIsSatisfied(uc, emea);
        assertThat(engine.calls()).isEmpty();
    }

    @Test
    void aFailedPublicationGoesToTheEngineAndItsAnswerIsDispatched() throws Exception {
        UcPublication onThePhone = RouteFixtures.onThePhone(ALICE, "uc");
        SipPresenceException refused = new SipPresenceException("PUBLISH for " + ALICE + " refused: 403 Forbidden");
        getMockEndpoint("mock:sip-presence:uc").whenAnyExchangeReceived(exchange -> {
            throw refused;
        });
        TServerRequest ready = RouteFixtures.agentReady(ALICE, "main");
        engine.answer("onPublicationFailed", ready);
        MockEndpoint main = tserverAnswering("main", READY);
        main.expectedBodiesReceived(ready.request());

        template.sendBody("direct:commands", List.of(onThePhone));

        main.assertIsSatisfied();
        assertThat(engine.calls())
                .containsExactly(
                        Call.of("onPublicationFailed", onThePhone, refused), Call.of("onResponse", ready, READY));
    }

    /** The mock of tlib:{@code tserver}, answering every request with {@code answer}. */
    private MockEndpoint tserverAnswering(String tserver, TlibMessage answer) {
        MockEndpoint mock = getMockEndpoint("mock:tlib:" + tserver);
        mock.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(answer));
        return mock;
    }
}
