package io.ucsync.tlib.link;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures of one kind, on the link's loop, told in one WARN line a second at most however many come together: how
 * many, and the first as an example. Separate because a T-Server that refuses or drops thousands of DN setups at once
 * would otherwise write thousands of lines.
 */
final class FailureTally {

    /** The link's own logger, so that one logger setting covers everything the link says. */
    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    private final String linkName;
    private final EventLoop loop;
    private final String what;
    private final String then;
    private int count;

    /**
     * @param what what failed, after the count ("DN registration(s) failed")
     * @param then what the link does about it ("each is tried again")
     */
    FailureTally(String linkName, EventLoop loop, String what, String then) {
        this.linkName = linkName;
        this.loop = loop;
        this.what = what;
        this.then = then;
    }

    /** On the loop: one more failure; {@code example} is told if it is the first of its second. */
    void add(String example) {
        if (count++ == 0) {
            loop.schedule(
                    () -> {
                        LOG.warn("T-Server link '{}': {} {} (e.g. {}); {}", linkName, count, what, example, then);
                        count = 0;
                    },
                    1,
                    TimeUnit.SECONDS);
        }
    }
}
