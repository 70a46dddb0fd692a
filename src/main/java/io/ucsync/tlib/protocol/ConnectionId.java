package io.ucsync.tlib.protocol;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A call's ConnID: exactly 8 opaque bytes, shown as 16 lower-case hex digits (src/main/docs/tlw1.md section 1,
 * valueType CONNID).
 */
public final class ConnectionId {

    public static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ConnectionId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ConnectionId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a ConnID has exactly 8 bytes, not " + bytes.length);
        }
        return new ConnectionId(bytes.clone());
    }

    /** Parses 16 hex digits (either case). */
    public static ConnectionId parse(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a ConnID is 16 hex digits: " + hex);
        }
        return new ConnectionId(HEX.parseHex(hex));
    }

    public static ConnectionId random() {
        byte[] bytes = new byte[LENGTH];
        RANDOM.nextBytes(bytes);
        return new ConnectionId(bytes);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
