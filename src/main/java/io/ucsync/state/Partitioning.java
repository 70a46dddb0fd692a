package io.ucsync.state;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Workers fall into {@code count} partitions by a stable hash of their SIP URI (CRC32 of its lower-case UTF-8 bytes),
 * the same in every JVM and every release, so that all the nodes of a cluster agree on it. A partition is what one
 * node owns at a time; a single node owns the one partition there is.
 */
public record Partitioning(int count) {

    /** The partitioning of a single node: one partition, number 0. */
    public static final Partitioning SINGLE = new Partitioning(1);

    public Partitioning {
        if (count < 1) {
            throw new IllegalArgumentException("partitions: at least 1, not " + count);
        }
    }

    /** The worker's partition, 0 to count - 1. */
    public int of(String sipUri) {
        CRC32 crc = new CRC32();
        crc.update(sipUri.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(crc.getValue(), (long) count);
    }
}
