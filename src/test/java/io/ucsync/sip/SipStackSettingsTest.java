package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.internal.SipStacks;
import io.ucsync.tls.TestCertificates;
import io.ucsync.tls.TlsSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Properties;
import javax.sip.ListeningPoint;
import javax.sip.SipStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SipStackSettingsTest {

    @TempDir
    Path dir;

    @Test
    void tls_properties_name_modern_protocols_suites_and_mutual_tls() {
        TestCertificates certs = new TestCertificates(dir);
        Path keyStore = certs.keyStore("server", "fe.test");
        TlsSettings tls = new TlsSettings(
                keyStore, TestCertificates.PASSWORD, null, null, "PKCS12", TlsSettings.ClientAuth.REQUIRE, true);

        Properties p = SipStackSettings.builder("props")
                .tls(tls)
                .maxMessageSize(65536)
                .build()
                .toProperties();

        assertThat(p.getProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS")).isEqualTo("TLSv1.3,TLSv1.2");
        assertThat(p.getProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES"))
                .contains("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
                .doesNotContain("CBC", "3DES", "anon", "TLS_RSA_");
        assertThat(p.getProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE")).isEqualTo("Enabled");
        assertThat(p.getProperty("javax.net.ssl.trustStore")).isEqualTo(keyStore.toString());
        assertThat(p.getProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE")).isEqualTo("65536");
        assertThat(p.getProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT")).isEqualTo("off");
        assertThat(tls.toString()).doesNotContain(TestCertificates.PASSWORD);
    }

    @Test
    void the_suites_are_all_supported_by_this_jdk() throws Exception {
        var supported = javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters();
        assertThat(supported.getCipherSuites()).contains(TlsSettings.CIPHER_SUITES.toArray(String[]::new));
        assertThat(supported.getProtocols()).contains(TlsSettings.PROTOCOLS.toArray(String[]::new));
    }

    @Test
    void a_stack_with_tls_listens_on_udp_tcp_and_tls() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        TlsSettings tls = new TlsSettings(
                certs.keyStore("server", "fe.test"),
                TestCertificates.PASSWORD,
                null,
                null,
                "PKCS12",
                TlsSettings.ClientAuth.WANT,
                true);
        SipStack stack = SipStackSettings.builder("tls-stack").tls(tls).build().createStack();
        try {
            for (String transport : new String[] {"udp", "tcp", "tls"}) {
                int port = FreePorts.pick(InetAddress.getLoopbackAddress());
                ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, transport);
                assertThat(lp.getTransport()).isEqualToIgnoringCase(transport);
            }
        } finally {
            SipStacks.stop(stack);
        }
    }

    @Test
    void a_wrong_key_store_password_fails_at_creation_naming_the_file() {
        TestCertificates certs = new TestCertificates(dir);
        Path keyStore = certs.keyStore("server", "fe.test");
        TlsSettings tls = new TlsSettings(keyStore, "wrong", null, null, "PKCS12", TlsSettings.ClientAuth.NONE, true);

        assertThatThrownBy(() ->
                        SipStackSettings.builder("bad-tls").tls(tls).build().createStack())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(keyStore.toString());
    }
}
