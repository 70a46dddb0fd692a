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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
}
