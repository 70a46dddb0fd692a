package io.ucsync.sip.internal;

import io.ucsync.presence.LogText;
import java.util.ArrayList;
import java.util.List;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many workers go in one SUBSCRIBE: one each, or with MS-PRES batches (one {@code adhocList} each) of up to the
 * configured size; and what a batch the server refused is tried again as. After 413 or 513 (too large), batches of at
 * most half the refused size from then on; after another refusal that may concern only some of its workers, its two
 * halves, so that the workers the server accepts get subscribed and a worker it refuses ends alone. Its own class
 * because it is the policy the server's answers steer, apart from the bookkeeping of {@link Subscriptions}.
 * <p>
 * Agent thread only.
 */
final class Batches {

    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);

    private final boolean batch;
    /** The most workers in one batch: the configured size until the server refuses a batch as too large. */
    private int limit;

    /**
     * @param batch MS-PRES: subscribe to groups of workers with one batched SUBSCRIBE each
     * @param size  the most workers in one batched SUBSCRIBE, until the server refuses one as too large
     */
    Batches(boolean batch, int size) {
        this.batch = batch;
        this.limit = size;
    }

    /** The groups to subscribe these workers in: one worker each, or batches of at most the current size. */
    List<List<String>> groups(List<String> workers) {
        return partition(workers, batch ? limit : 1);
    }

    /**
     * Whether a refused batch is tried again in parts: it was too large (413, 513), or the refusal may concern only
     * some of its workers (another 4xx, but for a too brief interval, an unknown dialog or an unknown event package).
     */
    static boolean splitsOn(int status) {
        return status == Response.MESSAGE_TOO_LARGE
                || status / 100 == 4
                        && status != Response.INTERVAL_TOO_BRIEF
                        && status != Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST
                        && status != Response.BAD_EVENT;
    }

    /**
     * The parts in which to subscribe again to the workers of a refused batch still watched ({@code members}).
     *
     * @param refused how many workers the refused batch named
     */
    List<List<String>> afterRefusal(Subscription s, int refused, int status, String reason, List<String> members) {
        int part;
        if (status == Response.REQUEST_ENTITY_TOO_LARGE || status == Response.MESSAGE_TOO_LARGE) {
            if (refused / 2 < limit) {
                limit = Math.max(1, refused / 2);
                LOG.info(
                        "a batched subscription of {} workers was refused ({} {}): batches of at most {} from now on",
                        refused,
                        status,
                        LogText.printable(reason),
                        limit);
            }
            part = limit;
        } else {
            part = (members.size() + 1) / 2;
            LOG.info("{} refused ({} {}): subscribing to its halves", s.describe(), status, LogText.printable(reason));
        }
        return partition(members, part);
    }

    private static List<List<String>> partition(List<String> workers, int size) {
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < workers.size(); i += size) {
            groups.add(workers.subList(i, Math.min(workers.size(), i + size)));
        }
        return groups;
    }
}
