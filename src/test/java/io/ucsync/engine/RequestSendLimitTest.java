package io.ucsync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMaps;
import io.ucsync.config.Roster;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.Partitioning;
import io.ucsync.state.StateDatabase;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerStore;
import io.ucsync.state.peers.TestStores;
import io.ucsync.timers.DurableTimers;
import io.ucsync.tlib.link.RequestExpiredException;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node's T-Server requests may be sent only for a while after their decision was saved (a node paused
 * since may have lost the worker): within it they carry their send-by time, and one the link did not send in time is
 * decided again, under the worker's fence.
 */
class RequestSendLimitTest {

    private static final String WORKER = "sip:kw01@ucsync.test";
    private static final Duration LIMIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void aRequestNotSentInTimeIsDecidedAgainWhileTheNodeHoldsTheWorkerAndDroppedOnceAnotherTookItOver()
            throws Exception {
        Roster roster = Roster.parse(
                "roster.csv",
                dir,
                List.of("sip_uri,dn,agent_id,tserver", WORKER + ",5001,agent01,main"),
                Set.of("main"),
                Set.of());
        Clock clock = Clock.systemUTC();
        try (StateDatabase database =
                        StateDatabase.open("jdbc:h2:file:" + dir.resolve("ucsync") + ";WRITE_DELAY=0", "sa", "");
                WorkerStore clustered = new WorkerStore(database, true);
                DurableTimers timers = new DurableTimers(database, Partitioning.SINGLE, null, fired -> {})) {
            WorkerRegistry registry = TestStores.startedRegistry(clustered, database, 2, clock);
            SyncEngine engine = new SyncEngine(
                    roster,
                    PresenceMaps.load(Path.of("config/presence-map.txt"), roster),
                    EngineOptions.defaults(),
                    registry,
                    timers,
                    clock,
                    LIMIT);
            engine.onTServerEvent(loggedOut(), true, false);

            long before = System.nanoTime();
            TServerRequest login = onlyRequest(engine.onPresence(
                    new Presence(WORKER, Availability.ONLINE, null, PresenceSource.USER, clock.instant())));
            long after = System.nanoTime();
            assertThat(login.request().type()).isEqualTo(MessageType.RequestAgentLogin);
            assertThat(login.sendBy())
                    .as("sendable for the limit from the moment its decision was saved")
                    .isBetween(before + LIMIT.toNanos(), after + LIMIT.toNanos());

            TServerRequest again = onlyRequest(engine.onRequestFailed(login, expired(login)));
            assertThat(again.request().type())
                    .as("the node still holds the worker: what is still needed is sent again")
                    .isEqualTo(MessageType.RequestAgentLogin);
            assertThat(again.sendBy()).isGreaterThan(login.sendBy());

            new PartitionEpochs(database, clock).raise(0, "another node");
            assertThat(engine.onRequestFailed(again, expired(again)))
                    .as("the node lost the worker while it was held up: nothing is sent for it")
                    .isEmpty();
            registry.close();
        }
    }

    private static TServerRequest onlyRequest(List<Command> commands) {
        assertThat(commands).hasSize(1).first().isInstanceOf(TServerRequest.class);
        return (TServerRequest) commands.get(0);
    }

    private static RequestExpiredException expired(TServerRequest request) {
        return new RequestExpiredException("main", request.request(), Duration.ofSeconds(5));
    }

    private static TlibMessage loggedOut() {
        return TlibMessage.create(MessageType.EventAddressInfo)
                .thisDN("5001")
                .addressInfoType(AddressInfoType.AgentStatus)
                .addressInfoStatus(AgentStatus.LoggedOut);
    }
}
