package io.ucsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.sip.SipPresenceConfiguration;
import io.ucsync.sip.SipPresenceConfigurationConfigurer;
import io.ucsync.sip.SipPresenceEndpoint;
import io.ucsync.sip.SipPresenceEndpointConfigurer;
import io.ucsync.sip.SipTransport;
import io.ucsync.tlib.TlibComponent;
import io.ucsync.tlib.TlibConfiguration;
import io.ucsync.tlib.TlibConfigurationConfigurer;
import io.ucsync.tlib.TlibEndpoint;
import io.ucsync.tlib.TlibEndpointConfigurer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.CatalogCamelContext;
import org.apache.camel.ExchangePattern;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.BeanIntrospection;
import org.apache.camel.spi.ConfigurerResolver;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/**
 * The metadata camel-package-maven-plugin generates for the tlib and sip-presence components, as a Camel user meets
 * it: a plain CamelContext finds each component by its scheme alone, reads its JSON descriptor (what Camel's catalog,
 * IDE plugins and the camel CLI show: every option described, passwords secret, the headers), and configures an
 * endpoint URI through the generated configurers, without reflection.
 */
class ComponentMetadataTest {

    @Test
    void tlib_descriptor_describes_every_option_and_header() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            JsonObject descriptor = descriptor(camel, "tlib", TlibComponent.class);

            JsonObject requestTimeout = option(descriptor, "properties", "requestTimeout");
            assertThat(requestTimeout.getString("defaultValue")).isEqualTo("5s");
            assertThat(requestTimeout.getString("group")).isEqualTo("producer");
            assertThat(option(descriptor, "properties", "dns").getString("group"))
                    .isEqualTo("consumer");
            assertThat(secretOptions(descriptor)).containsExactly("keyStorePassword", "trustStorePassword");
            assertThat(options(descriptor, "headers").keySet())
                    .containsExactlyInAnyOrder(
                            "TlibLink",
                            "TlibMessageType",
                            "TlibThisDN",
                            "TlibAgentID",
                            "TlibResync",
                            "TlibNewServer",
                            "TlibSendBy");
        }
    }

    @Test
    void sip_presence_descriptor_describes_every_option_and_header() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            JsonObject descriptor = descriptor(camel, "sip-presence", SipPresenceComponent.class);

            JsonObject transport = option(descriptor, "properties", "transport");
            assertThat(transport.getString("defaultValue")).isEqualTo("udp");
            List<Object> values = transport.getCollection("enum");
            assertThat(values).containsExactly("udp", "tcp", "tls");
            assertThat(secretOptions(descriptor))
                    .containsExactly("authPassword", "keyStorePassword", "trustStorePassword");
            assertThat(options(descriptor, "headers").keySet())
                    .containsExactlyInAnyOrder(
                            "SipPresenceFrontEnd",
                            "SipPresenceWorker",
                            "SipPresenceSubscriptionId",
                            "SipPresenceMethod",
                            "SipPresenceContentType",
                            "SipPresenceSubscriptionState",
                            "SipPresenceStatusCode",
                            "SipPresencePublicationTag");
        }
    }

    @Test
    void endpoint_uris_are_configured_by_the_generated_configurers_without_reflection() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ConfigurerResolver configurers = PluginHelper.getConfigurerResolver(camel);
            assertThat(camel.getComponent("tlib").getEndpointPropertyConfigurer())
                    .isInstanceOf(TlibEndpointConfigurer.class);
            assertThat(configurers.resolvePropertyConfigurer(TlibConfiguration.class.getName(), camel))
                    .isInstanceOf(TlibConfigurationConfigurer.class);
            assertThat(camel.getComponent("sip-presence").getEndpointPropertyConfigurer())
                    .isInstanceOf(SipPresenceEndpointConfigurer.class);
            assertThat(configurers.resolvePropertyConfigurer(SipPresenceConfiguration.class.getName(), camel))
                    .isInstanceOf(SipPresenceConfigurationConfigurer.class);

            BeanIntrospection reflection = PluginHelper.getBeanIntrospection(camel);
            reflection.resetCounters();
            TlibEndpoint tlib = camel.getEndpoint(
                    "tlib:main?endpoints=127.0.0.1:" + closedPort()
                            + "&requestTimeout=2s&dns=5001,5002&bridgeErrorHandler=true",
                    TlibEndpoint.class);
            SipPresenceEndpoint sip = camel.getEndpoint(
                    "sip-presence:uc?server=127.0.0.1:5060&transport=tcp"
                            + "&user=sip:ucsync@example.com&authUsername=ucsync&authPassword=RAW(s3cret&)&notificationThreads=2"
                            + "&exchangePattern=InOut",
                    SipPresenceEndpoint.class);

            assertThat(tlib.getConfiguration().getRequestTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(tlib.getConfiguration().dnList()).containsExactly("5001", "5002");
            assertThat(tlib.isBridgeErrorHandler()).isTrue();
            assertThat(sip.getConfiguration().getTransport()).isEqualTo(SipTransport.TCP);
            assertThat(sip.getConfiguration().getAuthPassword()).isEqualTo("s3cret&");
            assertThat(sip.getConfiguration().getNotificationThreads()).isEqualTo(2);
            assertThat(sip.getExchangePattern()).isEqualTo(ExchangePattern.InOut);
            assertThat(reflection.getInvokedCounter())
                    .as("bean introspection calls (reflection)")
                    .isZero();
        }
    }

    /** The component's descriptor as Camel reads it from the classpath; every option and header has a description. */
    private static JsonObject descriptor(CatalogCamelContext camel, String scheme, Class<?> componentClass)
            throws Exception {
        assertThat(camel.getComponent(scheme)).as("found by its scheme alone").isInstanceOf(componentClass);
        String json = camel.getComponentParameterJsonSchema(scheme);
        assertThat(json).as("descriptor of " + scheme).isNotNull();
        JsonObject descriptor = (JsonObject) Jsoner.deserialize(json);
        assertThat(((JsonObject) descriptor.get("component")).getString("scheme"))
                .isEqualTo(scheme);
        for (String kind : new String[] {"componentProperties", "properties", "headers"}) {
            Map<String, Object> options = options(descriptor, kind);
            assertThat(options).as(kind).isNotEmpty();
            options.forEach((name, option) -> assertThat(((JsonObject) option).getString("description"))
                    .as("description of %s %s %s", scheme, kind, name)
                    .isNotBlank());
        }
        return descriptor;
    }

    /** The names of the endpoint options marked secret, sorted; Camel masks their values in logs and URIs. */
    private static Set<String> secretOptions(JsonObject descriptor) {
        Set<String> secret = new TreeSet<>();
        options(descriptor, "properties").forEach((name, option) -> {
            if (((JsonObject) option).getBoolean("secret")) {
                secret.add(name);
            }
        });
        return secret;
    }

    /** The options of one kind (componentProperties, properties, headers), by name. */
    private static JsonObject options(JsonObject descriptor, String kind) {
        return (JsonObject) descriptor.get(kind);
    }

    private static JsonObject option(JsonObject descriptor, String kind, String name) {
        return (JsonObject) options(descriptor, kind).get(name);
    }

    /** A loopback port with nothing listening: the tlib link may try it while the test runs, and is refused. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
