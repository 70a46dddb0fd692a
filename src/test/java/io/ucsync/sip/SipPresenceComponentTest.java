package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.CamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Endpoint configuration: one user agent per front-end name, clear errors for options that do not fit. */
class SipPresenceComponentTest {

    private static final String BASE = "sip-presence:uc?server=127.0.0.1:5070&user=sip:ucsync@example.com";

    @Test
    void endpoints_of_one_front_end_share_one_agent_and_may_differ_only_in_watch() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            SipPresenceEndpoint consumerSide =
                    camel.getEndpoint(BASE + "&watch=sip:a@example.com", SipPresenceEndpoint.class);
            SipPresenceEndpoint producerSide = camel.getEndpoint(BASE, SipPresenceEndpoint.class);

            assertThat(consumerSide.getAgent()).isSameAs(producerSide.getAgent());
            assertThat(camel.getComponent("sip-presence", SipPresenceComponent.class)
                            .agent("uc"))
                    .isSameAs(consumerSide.getAgent());
            assertThat(consumerSide.getConfiguration().watchList()).containsExactly("sip:a@example.com");

            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&transport=tcp"))
                    .isInstanceOf(ResolveEndpointFailedException.class)
                    .hasMessageContaining("front end 'uc' is already configured with other options");
        }
    }

    @Test
    void an_endpoint_without_server_uses_the_agent_another_endpoint_of_that_name_configured() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            // as configuration creates a pool's endpoint with its options, and the routes then name only the pool
            SipPresenceEndpoint configured = camel.getEndpoint(
                    "sip-presence:east?server=fe1.example.com:5061,fe2.example.com:5061"
                            + "&transport=tcp&user=sip:ucsync@example.com&register=true",
                    SipPresenceEndpoint.class);
            SipPresenceEndpoint route = camel.getEndpoint("sip-presence:east", SipPresenceEndpoint.class);
            SipPresenceEndpoint watching =
                    camel.getEndpoint("sip-presence:east?watch=sip:a@example.com", SipPresenceEndpoint.class);

            assertThat(route.getAgent()).isSameAs(configured.getAgent()).isSameAs(watching.getAgent());
            assertThat(route.getConfiguration().serverList())
                    .containsExactly("fe1.example.com:5061", "fe2.example.com:5061");
            assertThat(route.getConfiguration().isRegister()).isTrue();
            assertThat(watching.getConfiguration().watchList()).containsExactly("sip:a@example.com");
            assertThat(configured.getAgent().serverStatus().server()).isEqualTo("fe1.example.com:5061");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:east?transport=udp"))
                    .hasMessageContaining("front end 'east' is already configured with other options");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:west"))
                    .as("no agent of that name yet: the component's defaults, which name no server")
                    .hasMessageContaining("server is required");
        }
    }

    @Test
    void server_lists_are_read_in_order_with_the_transports_default_port() {
        SipPresenceConfiguration configuration = new SipPresenceConfiguration();
        configuration.setServer(" fe1.example.com:5070 , fe2.example.com ,[2001:db8::1]:5080");
        assertThat(configuration.serverList())
                .containsExactly("fe1.example.com:5070", "fe2.example.com:5060", "[2001:db8::1]:5080");
        assertThat(configuration.effectiveKeepAliveInterval())
                .as("several servers: kept alive")
                .isEqualTo(30);
        configuration.setServer("fe1.example.com:5070");
        assertThat(configuration.effectiveKeepAliveInterval())
                .as("one server: as before, no OPTIONS")
                .isZero();
        configuration.setKeepAliveInterval(5);
        assertThat(configuration.effectiveKeepAliveInterval()).isEqualTo(5);
    }

    @Test
    void component_options_are_the_defaults_of_every_endpoint() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            SipPresenceComponent component = new SipPresenceComponent();
            component.getConfiguration().setServer("fe.example.com:5061");
            component.getConfiguration().setTransport(SipTransport.TLS);
            component.getConfiguration().setTrustStore("/etc/ucsync/trust.p12");
            component.getConfiguration().setUser("sip:ucsync@example.com");
            camel.addComponent("sip-presence", component);

            SipPresenceEndpoint endpoint =
                    camel.getEndpoint("sip-presence:lync?dialect=simple", SipPresenceEndpoint.class);

            assertThat(endpoint.getConfiguration().getServer()).isEqualTo("fe.example.com:5061");
            assertThat(endpoint.getConfiguration().getTransport()).isEqualTo(SipTransport.TLS);
            assertThat(endpoint.getConfiguration().getDialect()).isEqualTo(SipDialect.SIMPLE);
            assertThat(component.getConfiguration().getDialect()).isEqualTo(SipDialect.MSPRES);
        }
    }

    @Test
    void mspres_batches_by_default_within_what_a_datagram_or_the_body_limit_holds() {
        SipPresenceConfiguration configuration = new SipPresenceConfiguration();
        assertThat(configuration.effectiveBatchSubscribe()).isTrue();
        assertThat(configuration.effectiveBatchSize())
                .as("udp: 16 KiB datagrams at 1 KiB per worker")
                .isEqualTo(16);
        configuration.setTransport(SipTransport.TCP);
        assertThat(configuration.effectiveBatchSize()).isEqualTo(1000);
        configuration.setMaxBodySize(256 * 1024);
        assertThat(configuration.effectiveBatchSize())
                .as("a 256 KiB body limit")
                .isEqualTo(256);
        configuration.setBatchSubscribe(false);
        assertThat(configuration.effectiveBatchSize()).isEqualTo(1);
        configuration.setBatchSubscribe(null);
        configuration.setDialect(SipDialect.SIMPLE);
        assertThat(configuration.effectiveBatchSubscribe())
                .as("simple: a SUBSCRIBE per worker")
                .isFalse();
        assertThat(configuration.effectiveBatchSize()).isEqualTo(1);
    }

    @Test
    void options_that_do_not_fit_fail_with_the_option_named() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:uc?user=sip:ucsync@example.com"))
                    .hasMessageContaining("server is required");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:uc?server=h:5060&user=ucsync"))
                    .hasMessageContaining("user must be a SIP URI");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&dialect=simple&batchSubscribe=true"))
                    .hasMessageContaining("batchSubscribe needs dialect=mspres");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&batchSize=1001"))
                    .hasMessageContaining("batchSize must be 1 to 1000");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&maxSubscribesInFlight=0"))
                    .hasMessageContaining("maxSubscribesInFlight must be positive");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&transport=tls"))
                    .hasMessageContaining("transport=tls needs a trustStore");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&publishExpireType=time"))
                    .hasMessageContaining("publishExpireType must be static, user or endpoint");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&nosuchoption=1"))
                    .hasMessageContaining("nosuchoption");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:?server=h:5060&user=sip:u@h"))
                    .hasMessageContaining("front-end name");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:uc?server=h:5060,,h2:5060&user=sip:u@h"))
                    .hasMessageContaining("server must be host:port[,host:port...]");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:uc?server=h:5060,h:5060&user=sip:u@h"))
                    .hasMessageContaining("server names h:5060 twice");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:uc?server=h:99999&user=sip:u@h"))
                    .hasMessageContaining("server port must be 1-65535: h:99999");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&keepAliveInterval=-1"))
                    .hasMessageContaining("keepAliveInterval must be 0 or more");
        }
    }

    @Test
    void secrets_stay_out_of_the_agents_tls_description() {
        SipPresenceConfiguration configuration = new SipPresenceConfiguration();
        configuration.setTransport(SipTransport.TLS);
        configuration.setKeyStore("/etc/ucsync/ucsync.p12");
        configuration.setKeyStorePassword("hunter2");
        assertThat(configuration.tlsSettings().toString()).doesNotContain("hunter2");
    }
}
