package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's open client connections and who gets which event: the direct response to a requester, a copy to
 * every other connection that registered the DN, link and role events to every registered client, EventError.
 * Every event leaves stamped with the next EventSequenceNumber of the server. Separate from the switch because the
 * conversation, the control API and a followed primary all send through it, and the rules of who hears what
 * (src/main/docs/tlw1.md section 5) belong in one place.
 * <p>
 * Confined to the emulator's single event loop, so events leave in the order of their sequence numbers on every
 * connection.
 */
final class ClientSessions {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSessions.class);

    private final List<ClientSession> sessions = new ArrayList<>();
    private long sequence;

    void opened(ClientSession session) {
        sessions.add(session);
    }

    void closed(ClientSession session) {
        sessions.remove(session);
    }

    /** Closes every connection, abruptly when {@code abort}. */
    void closeAll(boolean abort) {
        for (ClientSession session : List.copyOf(sessions)) {
            session.close(abort);
        }
    }

    /**
     * A state event on a DN: the direct response (with its ReferenceID) to the requester when there is a request,
     * and a copy without ReferenceID to every other connection that registered the DN.
     */
    void publish(ClientRequest request, String dn, TlibMessage event) {
        stamp(event);
        ClientSession requester = null;
        if (request != null) {
            requester = request.session();
            requester.send(copy(event).referenceId(request.referenceId()));
        }
        for (ClientSession session : sessions) {
            if (session != requester && session.hasRegistered(dn)) {
                session.send(copy(event));
            }
        }
    }

    /** Link and primary events: to every connection that has sent RequestRegisterClient. */
    void broadcast(TlibMessage event) {
        stamp(event);
        for (ClientSession session : sessions) {
            if (session.isClientRegistered()) {
                session.send(copy(event));
            }
        }
    }

    /** An event to one connection only, without ReferenceID (EventLinkConnected after a registration). */
    void send(ClientSession session, TlibMessage event) {
        session.send(stamp(event));
    }

    /** The direct response to a request and to no one else. */
    void reply(ClientRequest r, TlibMessage event) {
        r.session().send(stamp(event).referenceId(r.referenceId()));
    }

    void error(ClientRequest r, ErrorCode code, String detail) {
        error(r.session(), r.message(), r.referenceId(), code, detail);
    }

    /** EventError to the sender of {@code request}; {@code referenceId} null when the request had none. */
    void error(ClientSession session, TlibMessage request, Integer referenceId, ErrorCode code, String detail) {
        TlibMessage event = TlibMessage.create(MessageType.EventError).errorCode(code);
        if (detail != null) {
            event.errorMessage(code.text() + ": " + detail);
        }
        if (referenceId != null) {
            event.referenceId(referenceId);
        }
        if (request.getThisDN() != null) {
            event.thisDN(request.getThisDN());
        }
        LOG.debug("{} from {} refused: {} {}", request.name(), session, code.code(), event.getErrorMessage());
        session.send(stamp(event));
    }

    private TlibMessage stamp(TlibMessage event) {
        return event.time(Instant.now()).eventSequenceNumber(++sequence);
    }

    private static TlibMessage copy(TlibMessage event) {
        TlibMessage copy = TlibMessage.ofTypeCode(event.messageTypeCode());
        event.attributes().forEach(copy::set);
        return copy;
    }
}
