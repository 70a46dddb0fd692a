package io.ucsync.tlib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.RequestExpiredException;
import io.ucsync.tlib.link.TServerErrorException;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tlib component in Camel routes, Java and YAML, against the T-Server emulator. */
class TlibComponentTest {

    private TServerEmulator emulator;
    private CamelContext camel;

    @BeforeEach
    void start() {
        emulator = TServerEmulator.start(
                TServerEmulatorConfig.builder().dns(List.of("5001", "5002")).build());
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        emulator.close();
    }

    private String uri() {
        return "tlib:main?endpoints=127.0.0.1:" + emulator.port() + "&requestTimeout=2s";
    }

    private TlibComponent component() {
        return camel.getComponent("tlib", TlibComponent.class);
    }

    @Test
    void eventsOfTheConsumersDnsReachTheRouteAndRequestsGetTheirResponseInTheBody() throws Exception {
        String routes = """
                - route:
                    id: tserver-events
                    from:
                      uri: "%s&dns=5001"
                      steps:
                        - to: mock:events
                """.formatted(uri());
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("events.camel.yaml", routes));
        // expected before the start: the link's first events may reach the mock before the link is seen up
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMessageCount(3);
        camel.start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> component().link("main").state() == LinkState.UP);

        ProducerTemplate template = camel.createProducerTemplate();
        Exchange answered = template.request(
                "tlib:main",
                exchange -> exchange.getMessage()
                        .setBody(TlibMessage.create(MessageType.RequestAgentLogin)
                                .thisDN("5001")
                                .agentId("agent01")
                                .password("")
                                .agentWorkMode(AgentWorkMode.ManualIn)
                                .reasonCode(null)));

        assertThat(answered.getException()).isNull();
        assertThat(answered.getMessage().getBody(TlibMessage.class).type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(answered.getMessage().getHeader(TlibConstants.MESSAGE_TYPE)).isEqualTo("EventAgentLogin");
        assertThat(answered.getMessage().getHeader(TlibConstants.AGENT_ID)).isEqualTo("agent01");
        events.assertIsSatisfied(5_000);
        assertThat(events.getExchanges())
                .extracting(e -> e.getMessage().getHeader(TlibConstants.MESSAGE_TYPE))
                .as("what arrived before the route started is held for it, in order")
                .containsExactly("EventLinkConnected", "EventAddressInfo", "EventAgentReady");
        Exchange resync = events.getExchanges().get(1);
        assertThat(resync.getMessage().getHeader(TlibConstants.RESYNC, Boolean.class))
                .isTrue();
        assertThat(resync.getMessage().getHeader(TlibConstants.THIS_DN)).isEqualTo("5001");
        Exchange ready = events.getExchanges().get(2);
        assertThat(ready.getMessage().getHeader(TlibConstants.THIS_DN)).isEqualTo("5001");
        assertThat(ready.getMessage().getHeader(TlibConstants.LINK)).isEqualTo("main");
        assertThat(ready.getMessage().getHeader(TlibConstants.RESYNC, Boolean.class))
                .isFalse();
    }

    @Test
    void aRouteThatSendsARequestForEachOfThousandsOfResyncEventsNeverStallsTheLink() throws Exception {
        List<String> dns = IntStream.range(0, 3000)
                .mapToObj(i -> String.valueOf(10000 + i))
                .toList();
        try (TServerEmulator big =
                TServerEmulator.start(TServerEmulatorConfig.builder().dns(dns).build())) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // every event answered by a request on the same link, as the engine's routes do
                    // requests may wait long on a busy machine: the test is about never stalling, not about speed
                    from("tlib:big?endpoints=127.0.0.1:" + big.port() + "&requestTimeout=30s")
                            .routeId("events")
                            .filter(header(TlibConstants.MESSAGE_TYPE).isEqualTo("EventAddressInfo"))
                            .process(exchange -> exchange.getMessage()
                                    .setBody(TlibMessage.create(MessageType.RequestQueryAddress)
                                            .thisDN(exchange.getMessage()
                                                    .getHeader(TlibConstants.THIS_DN, String.class))
                                            .addressInfoType(AddressInfoType.AgentStatus)))
                            .to("tlib:big")
                            .to("mock:answered");
                }
            });
            camel.start();
            MockEndpoint answered = camel.getEndpoint("mock:answered", MockEndpoint.class);
            answered.expectedMessageCount(dns.size());
            // two minutes for the 3,000 round trips, on a machine however busy (assertIsSatisfied's argument only
            // applies to endpoints expecting nothing)
            answered.setResultWaitTime(120_000);
            dns.forEach(component().link("big")::register);
            answered.assertIsSatisfied();
        }
    }

    @Test
    void anEventErrorFailsTheExchangeWithItsCodeAndText() throws Exception {
        startSending("direct:ready");

        assertThatThrownBy(() -> camel.createProducerTemplate()
                        .requestBody(
                                "direct:ready",
                                TlibMessage.create(MessageType.RequestAgentReady)
                                        .thisDN("5002")))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        TServerErrorException.class,
                        error -> assertThat(error.getErrorCode()).isEqualTo(1707))
                .hasMessageContaining("RequestAgentReady on DN 5002")
                .hasMessageContaining("AgentNotLoggedIn");
    }

    @Test
    void aRequestPastItsSendByTimeFailsAndNeverReachesTheTServerWhileOneWithinItIsSent() throws Exception {
        startSending("direct:login");
        ProducerTemplate template = camel.createProducerTemplate();

        long passed = System.nanoTime() - Duration.ofMillis(1).toNanos();
        assertThatThrownBy(() ->
                        template.requestBodyAndHeader("direct:login", login("5001"), TlibConstants.SEND_BY, passed))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(RequestExpiredException.class)
                .hasMessageContaining("RequestAgentLogin on DN 5001 not sent");
        long ahead = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TlibMessage answer = template.requestBodyAndHeader(
                "direct:login", login("5002"), TlibConstants.SEND_BY, ahead, TlibMessage.class);

        assertThat(answer.type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(emulator.journal())
                .filteredOn(entry -> entry.request().equals("RequestAgentLogin"))
                .as("the T-Server saw only the login sent in time")
                .extracting(JournalEntry::dn)
                .containsExactly("5002");
    }

    /** Starts Camel with a route from {@code from} to the emulator's link, and waits until the link is up. */
    private void startSending(String from) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).to(uri());
            }
        });
        camel.start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> component().link("main").state() == LinkState.UP);
    }

    private static TlibMessage login(String dn) {
        return TlibMessage.create(MessageType.RequestAgentLogin)
                .thisDN(dn)
                .agentId("agent" + dn)
                .password("")
                .agentWorkMode(AgentWorkMode.ManualIn)
                .reasonCode(null);
    }

    @Test
    void endpointsOfOneNameShareOneLinkAndMustAgreeOnItsOptions() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:a").routeId("a").to(uri());
                from("direct:b").routeId("b").to(uri() + "&applicationName=ucsync");
            }
        });
        camel.start();
        assertThat(component().links()).hasSize(1);
        assertThat(component().link("main").config().requestTimeout()).isEqualTo(Duration.ofSeconds(2));

        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:c").routeId("c").to(uri() + "&applicationName=other");
                    }
                }))
                .isInstanceOf(FailedToCreateRouteException.class)
                .rootCause()
                .hasMessageContaining("T-Server 'main' is already configured with other options");
        assertThatThrownBy(() -> camel.getEndpoint("tlib:nowhere"))
                .rootCause()
                .hasMessageContaining("endpoints is required");
        assertThatThrownBy(() -> camel.getEndpoint("tlib:bad?endpoints=localhost"))
                .rootCause()
                .hasMessageContaining("T-Server endpoint 'localhost' is not host:port");
    }
}
