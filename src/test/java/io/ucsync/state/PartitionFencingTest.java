package io.ucsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.engine.WorkerFacts;
import io.ucsync.state.peers.TestStores;
import io.ucsync.state.peers.TestStores.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fence that keeps a node that lost a partition without knowing it (a pause, a cut from ZooKeeper) from writing:
 * two nodes' stores on one database, the second taking the partition over while the first still writes.
 */
class PartitionFencingTest {

    private static final String WORKER = "sip:kw0001@ucsync.test";

    @RegisterExtension
    static final TestStores stores = new TestStores();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_write_under_an_epoch_that_another_node_raised_since_is_refused_and_saves_nothing(Kind kind)
            throws Exception {
        try (StateDatabase database = stores.database(kind, dir).open();
                WorkerStore old = new WorkerStore(database);
                WorkerStore next = new WorkerStore(database)) {
            PartitionEpochs epochs = new PartitionEpochs(database, Clock.systemUTC());
            Fence first = epochs.raise(3, "node-1");
            old.write(WORKER, WorkerFacts.NONE.withContactCenterDnd(true), null, first);

            Fence second = epochs.raise(3, "node-2");
            assertThat(second.epoch()).isGreaterThan(first.epoch());
            assertThatThrownBy(() -> old.write(WORKER, WorkerFacts.NONE.withContactCenterDnd(false), null, first))
                    .isInstanceOf(NotOwnerException.class)
                    .hasMessageContaining("partition 3 was taken over");
            assertThat(next.load(List.of(WORKER)).get(WORKER).contactCenterDnd())
                    .as("the stale write saved nothing")
                    .isTrue();

            next.write(WORKER, WorkerFacts.NONE.withContactCenterDnd(false), null, second);
            assertThat(next.load(List.of(WORKER)).get(WORKER).contactCenterDnd())
                    .isFalse();
            assertThat(epochs.all().get(3))
                    .extracting(PartitionEpochs.Owner::node, PartitionEpochs.Owner::epoch)
                    .containsExactly("node-2", second.epoch());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a_take_over_waits_for_a_write_under_way_and_that_write_is_what_the_new_owner_reads(Kind kind)
            throws Exception {
        try (StateDatabase database = stores.database(kind, dir).open();
                WorkerStore old = new WorkerStore(database)) {
            PartitionEpochs epochs = new PartitionEpochs(database, Clock.systemUTC());
            Fence first = epochs.raise(0, "node-1");
            try (Connection writing = database.connect()) {
                // the old owner's write transaction, checked and holding the epoch's row, not committed yet
                writing.setAutoCommit(false);
                try (PreparedStatement check = writing.prepareStatement(
                        "UPDATE partition_epochs SET epoch = epoch WHERE partition_no = 0 AND epoch = ?")) {
                    check.setLong(1, first.epoch());
                    assertThat(check.executeUpdate()).isEqualTo(1);
                }
                CompletableFuture<Fence> takeOver = CompletableFuture.supplyAsync(() -> {
                    try {
                        return epochs.raise(0, "node-2");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                await("the take-over waiting for the write under way")
                        .during(Duration.ofMillis(300))
                        .atMost(Duration.ofSeconds(1))
                        .until(() -> !takeOver.isDone());
                writing.commit();
                assertThat(takeOver.get(10, TimeUnit.SECONDS).epoch()).isEqualTo(first.epoch() + 1);
            }
            assertThatThrownBy(() -> old.write(WORKER, WorkerFacts.NONE, null, first))
                    .isInstanceOf(NotOwnerException.class);
            assertThat(old.loadAll()).doesNotContainKey(WORKER);
        }
    }

    @Test
    void a_take_over_does_not_wait_for_a_node_stopped_in_the_middle_of_a_write() throws Exception {
        TestStores.Database shared = stores.database(Kind.POSTGRESQL, dir);
        Duration limit = Duration.ofSeconds(1);
        try (StateDatabase oldNode = StateDatabase.open(shared.url(), shared.user(), shared.password(), 1, limit);
                StateDatabase nextNode = StateDatabase.open(shared.url(), shared.user(), shared.password(), 1, limit)) {
            Fence first = new PartitionEpochs(oldNode, Clock.systemUTC()).raise(0, "node-1");
            try (Connection writing = oldNode.connect()) {
                // node-1's write: the epoch checked (its row held), an audit entry written, and then node-1 stops (a
                // paused VM) with its connection open
                writing.setAutoCommit(false);
                try (PreparedStatement check = writing.prepareStatement(
                                "UPDATE partition_epochs SET epoch = epoch WHERE partition_no = 0 AND epoch = ?");
                        PreparedStatement audit = writing.prepareStatement(
                                "INSERT INTO audit_log (sip_uri, at, change, cause) VALUES (?, ?, 'x', 'y')")) {
                    check.setLong(1, first.epoch());
                    assertThat(check.executeUpdate()).isEqualTo(1);
                    audit.setString(1, WORKER);
                    audit.setTimestamp(2, Timestamp.from(Instant.now()));
                    audit.executeUpdate();
                }
                PartitionEpochs nextEpochs = new PartitionEpochs(nextNode, Clock.systemUTC());
                CompletableFuture<Fence> takeOver = CompletableFuture.supplyAsync(() -> {
                    try {
                        return nextEpochs.raise(0, "node-2");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(takeOver.get(30, TimeUnit.SECONDS).epoch())
                        .as("node-2 took the partition over while node-1 was still stopped")
                        .isEqualTo(first.epoch() + 1);
                assertThatThrownBy(writing::commit)
                        .as("node-1, running again, finds its write ended")
                        .isInstanceOf(SQLException.class);
            }
            try (Connection reading = nextNode.connect();
                    PreparedStatement count =
                            reading.prepareStatement("SELECT count(*) FROM audit_log WHERE sip_uri = ?")) {
                count.setString(1, WORKER);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    assertThat(rows.getInt(1))
                            .as("node-1's write saved nothing")
                            .isZero();
                }
            }
        }
    }
}
