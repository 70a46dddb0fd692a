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
            SipPresenceEndpoint consumerSide = camel.getEndpoint(BASE + "&watch=sip:a@example.com", SipPresenceEndpoint.class);
            SipPresenceEndpoint producerSide = camel.getEndpoint(BASE, SipPresenceEndpoint.class);

            assertThat(consumerSide.getAgent()).isSameAs(producerSide.getAgent());
            assertThat(camel.getComponent("sip-presence", SipPresenceComponent.class).agent("uc"))
                    .isSameAs(consumerSide.getAgent());
            assertThat(consumerSide.getConfiguration().watchList()).containsExactly("sip:a@example.com");

            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&transport=tcp"))
                    .isInstanceOf(ResolveEndpointFailedException.class)
                    .hasMessageContaining("front end 'uc' is already configured with other options");
        }
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

            SipPresenceEndpoint endpoint = camel.getEndpoint("sip-presence:lync?dialect=simple", SipPresenceEndpoint.class);

            assertThat(endpoint.getConfiguration().getServer()).isEqualTo("fe.example.com:5061");
            assertThat(endpoint.getConfiguration().getTransport()).isEqualTo(SipTransport.TLS);
            assertThat(endpoint.getConfiguration().getDialect()).isEqualTo(SipDialect.SIMPLE);
            assertThat(component.getConfiguration().getDialect()).isEqualTo(SipDialect.MSPRES);
        }
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
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&transport=tls"))
                    .hasMessageContaining("transport=tls needs a trustStore");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&publishExpireType=time"))
                    .hasMessageContaining("publishExpireType must be static, user or endpoint");
            assertThatThrownBy(() -> camel.getEndpoint(BASE + "&nosuchoption=1"))
                    .hasMessageContaining("nosuchoption");
            assertThatThrownBy(() -> camel.getEndpoint("sip-presence:?server=h:5060&user=sip:u@h"))
                    .hasMessageContaining("front-end name");
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
