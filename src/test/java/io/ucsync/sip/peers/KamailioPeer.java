package io.ucsync.sip.peers;

import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Kamailio 5.6 (Debian packages kamailio, kamailio-presence-modules, kamailio-tls-modules) as a SIP SIMPLE
 * presence server without a database, after research/artifacts/kamailio-presence.cfg: UDP and TCP on a free
 * port, optionally TLS on another, optionally digest authentication (auth module, plain password, no database).
 * A missing kamailio binary fails the test.
 */
public final class KamailioPeer implements AutoCloseable {

    private static final String MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/";
    private static final String DB_TEXT_SCHEMA = "/usr/share/kamailio/dbtext/kamailio";

    private final Process process;
    private final Path dir;
    private final int port;
    private final int tlsPort;

    private KamailioPeer(Process process, Path dir, int port, int tlsPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** What to configure. */
    public static final class Builder {
        private String authUser;
        private String authPassword;
        private Path certificate;
        private Path privateKey;
        private Path clientCa;
        private boolean requireClientCertificate;

        /** Challenges REGISTER (401) and SUBSCRIBE, PUBLISH, SERVICE (407); accepts only this user and password. */
        public Builder auth(String user, String password) {
            this.authUser = user;
            this.authPassword = password;
            return this;
        }

        /** Listens on TLS too, with this certificate and key (PEM). */
        public Builder tls(Path certificatePem, Path privateKeyPem) {
            this.certificate = certificatePem;
            this.privateKey = privateKeyPem;
            return this;
        }

        /** Mutual TLS: clients must present a certificate issued by (here: equal to) one in this PEM file. */
        public Builder requireClientCertificate(Path caPem) {
            this.clientCa = caPem;
            this.requireClientCertificate = true;
            return this;
        }

        public KamailioPeer start() {
            try {
                Path dir = Files.createTempDirectory("kamailio-");
                InetAddress loopback = InetAddress.getLoopbackAddress();
                int port = FreePorts.pick(loopback);
                int tlsPort = certificate == null ? -1 : FreePorts.pick(loopback);
                Path cfg = dir.resolve("kamailio.cfg");
                Files.writeString(cfg, config(port, tlsPort, dir));
                // timeout: Kamailio stops by itself even if the test JVM dies without closing it.
                Process process = new ProcessBuilder(
                                "timeout",
                                "--kill-after=5",
                                "600",
                                "kamailio",
                                "-f",
                                cfg.toString(),
                                "-DD",
                                "-E",
                                "-m",
                                "32",
                                "-M",
                                "4",
                                "-Y",
                                dir.toString(),
                                "-w",
                                dir.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("kamailio.log").toFile())
                        .start();
                KamailioPeer peer = new KamailioPeer(process, dir, port, tlsPort);
                try {
                    await("kamailio answering OPTIONS on " + port)
                            .atMost(Duration.ofSeconds(15))
                            .pollInterval(Duration.ofMillis(100))
                            .failFast("kamailio exited", () -> !process.isAlive())
                            .until(peer::answersOptions);
                } catch (ConditionTimeoutException | TerminalFailureException e) {
                    peer.close();
                    throw new IllegalStateException(e.getMessage() + "\n" + peer.log(), e);
                }
                return peer;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot run kamailio (Debian packages kamailio, kamailio-presence-modules"
                                + (certificate != null ? ", kamailio-tls-modules" : "") + ")",
                        e);
            }
        }

        private String config(int port, int tlsPort, Path dir) throws IOException {
            StringBuilder c = new StringBuilder();
            c.append("#!KAMAILIO\n")
                    .append("debug=2\nlog_stderror=yes\nfork=yes\nchildren=2\ntcp_children=2\n")
                    .append("listen=udp:127.0.0.1:")
                    .append(port)
                    .append('\n')
                    .append("listen=tcp:127.0.0.1:")
                    .append(port)
                    .append('\n');
            if (tlsPort > 0) {
                c.append("enable_tls=yes\nlisten=tls:127.0.0.1:")
                        .append(tlsPort)
                        .append('\n');
            }
            c.append("mpath=\"").append(MODULES).append("\"\n");
            for (String module : List.of(
                    "kex",
                    "tm",
                    "sl",
                    "rr",
                    "pv",
                    "maxfwd",
                    "textops",
                    "siputils",
                    "xlog",
                    "nathelper",
                    "db_text",
                    "presence",
                    "presence_xml")) {
                c.append("loadmodule \"").append(module).append(".so\"\n");
            }
            if (authUser != null) {
                c.append("loadmodule \"auth.so\"\n");
            }
            if (tlsPort > 0) {
                c.append("loadmodule \"tls.so\"\n");
                Path tlsCfg = dir.resolve("tls.cfg");
                Files.writeString(
                        tlsCfg,
                        "[server:default]\nmethod = TLSv1.2+\n"
                                + "verify_certificate = " + (requireClientCertificate ? "yes" : "no") + "\n"
                                + "require_certificate = " + (requireClientCertificate ? "yes" : "no") + "\n"
                                + "private_key = " + privateKey + "\ncertificate = " + certificate + "\n"
                                + (clientCa != null ? "ca_list = " + clientCa + "\n" : "")
                                + "\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n");
                c.append("modparam(\"tls\", \"config\", \"").append(tlsCfg).append("\")\n");
            }
            // Publications in db_text files: with publ_cache=2 (memory only) Kamailio 5.6 loses the published body
            // on every refresh (it logs "Empty notify body record") and notifies watchers an empty document.
            Path db = dir.resolve("db");
            Files.createDirectories(db);
            for (String table : List.of("version", "presentity", "active_watchers", "watchers", "xcap")) {
                Files.copy(Path.of(DB_TEXT_SCHEMA, table), db.resolve(table));
            }
            c.append("modparam(\"presence\", \"db_url\", \"text://")
                    .append(db)
                    .append("\")\n")
                    .append("modparam(\"presence_xml\", \"db_url\", \"text://")
                    .append(db)
                    .append("\")\n")
                    .append("modparam(\"presence\", \"subs_db_mode\", 0)\n")
                    .append("modparam(\"presence\", \"publ_cache\", 1)\n")
                    .append("modparam(\"presence\", \"server_address\", \"sip:127.0.0.1:")
                    .append(port)
                    .append("\")\n")
                    .append("modparam(\"presence_xml\", \"force_active\", 1)\n")
                    .append("request_route {\n")
                    .append(
                            "    if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); exit; }\n")
                    .append("    if (is_method(\"OPTIONS\")) { sl_send_reply(\"200\", \"OK\"); exit; }\n");
            if (authUser != null) {
                String realm = "\"$fd\"";
                c.append("    if (is_method(\"REGISTER\")) {\n")
                        .append("        if (!pv_www_authenticate(\"$td\", \"")
                        .append(authPassword)
                        .append("\", \"0\") || $au != \"")
                        .append(authUser)
                        .append("\") { www_challenge(\"$td\", \"1\"); exit; }\n")
                        .append("    } else if (is_method(\"SUBSCRIBE|PUBLISH\") || $rm == \"SERVICE\") {\n")
                        .append("        if (!pv_proxy_authenticate(")
                        .append(realm)
                        .append(", \"")
                        .append(authPassword)
                        .append("\", \"0\") || $au != \"")
                        .append(authUser)
                        .append("\") { proxy_challenge(")
                        .append(realm)
                        .append(", \"1\"); exit; }\n")
                        .append("        consume_credentials();\n")
                        .append("    }\n");
            }
            c.append("    if (is_method(\"REGISTER\")) { sl_send_reply(\"200\", \"OK\"); exit; }\n")
                    .append("    if ($rm == \"SERVICE\") { sl_send_reply(\"200\", \"OK\"); exit; }\n")
                    .append("    if (is_method(\"PUBLISH|SUBSCRIBE\")) {\n")
                    .append(
                            "        if (is_method(\"SUBSCRIBE\") && (proto == TCP || proto == TLS)) { fix_nated_contact(); }\n")
                    .append("        if (!t_newtran()) { sl_reply_error(); exit; }\n")
                    .append("        if (is_method(\"PUBLISH\")) { handle_publish(); } else { handle_subscribe(); }\n")
                    .append("        t_release();\n        exit;\n    }\n")
                    .append("    if (has_totag() && loose_route()) { t_relay(); exit; }\n")
                    .append("    sl_send_reply(\"405\", \"Method Not Allowed\");\n}\n");
            return c.toString();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** host:port of the UDP and TCP listener. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** host:port of the TLS listener. */
    public String tlsAddress() {
        return "127.0.0.1:" + tlsPort;
    }

    private boolean answersOptions() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(300);
            String branch = "z9hG4bK" + UUID.randomUUID();
            String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=" + branch + "\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>\r\n"
                    + "Call-ID: " + branch + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            byte[] buffer = new byte[4096];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            return new String(buffer, 0, answer.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
        } catch (IOException e) {
            return false; // not up yet
        }
    }

    /** Kamailio's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("kamailio.log"));
        } catch (IOException e) {
            return "(cannot read kamailio.log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
