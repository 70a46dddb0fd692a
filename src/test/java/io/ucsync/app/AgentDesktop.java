package io.ucsync.app;

import static org.awaitility.Awaitility.await;

import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An agent desktop (or a supervisor's console): a T-Server client of its own, on its own connection, that changes
 * agents' states as the contact center does, independently of ucsync.
 */
final class AgentDesktop implements AutoCloseable {

    private final TServerLink link;

    private AgentDesktop(String endpoints) {
        // its own ApplicationName, as a desktop has: the T-Server's journal tells its requests from ucsync's
        link = new TServerLink(
                "desktop",
                TServerLinkConfig.builder()
                        .endpoints(endpoints)
                        .applicationName("agent-desktop")
                        .build(),
                null);
        link.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
    }

    static AgentDesktop connectedTo(int tserverPort) {
        return new AgentDesktop("127.0.0.1:" + tserverPort);
    }

    /** A desktop that follows a T-Server pair (or more) as ucsync does: host:port,host:port. */
    static AgentDesktop connectedTo(String endpoints) {
        return new AgentDesktop(endpoints);
    }

    /** The agent goes NotReady in this work mode with this reason, as after a call (AfterCallWork, ACW) or a break. */
    TlibMessage notReady(String dn, AgentWorkMode workMode, String reasonCode) throws Exception {
        return send(TlibMessage.create(MessageType.RequestAgentNotReady)
                .thisDN(dn)
                .agentWorkMode(workMode)
                .reasons(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, reasonCode)));
    }

    TlibMessage ready(String dn) throws Exception {
        return send(TlibMessage.create(MessageType.RequestAgentReady).thisDN(dn).agentWorkMode(AgentWorkMode.ManualIn));
    }

    /** A supervisor logs the agent out. */
    TlibMessage logout(String dn) throws Exception {
        return send(TlibMessage.create(MessageType.RequestAgentLogout).thisDN(dn));
    }

    /** The worker on {@code fromDn} dials {@code toDn} from the desktop; the EventDialing that answers carries the call's ConnID. */
    TlibMessage makeCall(String fromDn, String toDn) throws Exception {
        return send(
                TlibMessage.create(MessageType.RequestMakeCall).thisDN(fromDn).otherDN(toDn));
    }

    private TlibMessage send(TlibMessage request) throws Exception {
        return link.request(request).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        link.close();
    }
}
