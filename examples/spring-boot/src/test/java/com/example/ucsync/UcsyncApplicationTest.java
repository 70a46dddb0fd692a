package com.example.ucsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.tlib.protocol.AgentStatus;

/**
 * The Spring Boot application against ucsync's emulators (from the ucsync jar): ucsync's routes run in the
 * application's CamelContext, a worker's presence on the front end reaches the T-Server, and the KW API answers.
 */
@SpringBootTest
class UcsyncApplicationTest {

    private static final String WORKER = "sip:kw01@ucsync.test";
    private static Path home;
    private static TServerEmulator tserver;
    private static FrontEndEmulator frontEnd;
    private static int httpPort;

    @Autowired
    CamelContext camel;

    @BeforeAll
    static void startTheServersUcsyncTalksTo() throws IOException {
        home = Files.createTempDirectory("ucsync-spring-boot");
        tserver = TServerEmulator.start(TServerEmulatorConfig.builder().dns(List.of("5001")).build());
        frontEnd = FrontEndEmulator.start(new FrontEndEmulatorConfig(FreePorts.pick(InetAddress.getLoopbackAddress()), "udp", -1, null));
        frontEnd.presence(WORKER, 3500, null, PresenceSource.USER);
        httpPort = FreePorts.pick(InetAddress.getLoopbackAddress());
        Files.writeString(home.resolve("roster.csv"), "sip_uri,dn,agent_id,tserver,queue,password\n" + WORKER + ",5001,agent01,main,,pw1\n");
        Files.writeString(home.resolve("ucsync.properties"), String.join("\n",
                "ucsync.lab.enabled=false",
                "ucsync.uc.server=127.0.0.1:" + frontEnd.port(),
                "ucsync.uc.user=sip:ucsync@ucsync.test",
                "ucsync.tserver.main.endpoints=127.0.0.1:" + tserver.port(),
                "ucsync.roster=" + home.resolve("roster.csv"),
                "ucsync.presence-map=" + Path.of("../../config/presence-map.txt").toAbsolutePath(),
                "ucsync.routes=" + Path.of("../../routes").toAbsolutePath(),
                "ucsync.state.jdbc-url=jdbc:h2:file:" + home.resolve("state") + ";WRITE_DELAY=0;RETENTION_TIME=1000", ""));
    }

    @DynamicPropertySource
    static void ucsyncProperties(DynamicPropertyRegistry properties) {
        properties.add("ucsync.config", () -> home.resolve("ucsync.properties").toString());
        properties.add("ucsync.http-port", () -> httpPort);
    }

    @AfterAll
    static void stopTheServers() {
        frontEnd.close();
        tserver.close();
    }

    @Test
    void aPresenceChangeReachesTheTServerThroughUcsyncsRoutesInTheApplicationsContext() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> tserver.state("5001").status() == AgentStatus.Ready);
        frontEnd.presence(WORKER, 6500, null, PresenceSource.USER);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            DnState state = tserver.state("5001");
            return state.status() == AgentStatus.NotReady && "Busy".equals(state.reasonCode());
        });
        assertThat(camel.getRouteController().getRouteStatus("presence-in-uc")).isEqualTo(ServiceStatus.Started);

        HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/api/session")).header("X-Requested-With", "ucsync")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"sipUri\":\"" + WORKER + "\",\"password\":\"pw1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
    }
}
