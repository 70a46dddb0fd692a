package io.ucsync.tlib.protocol;

/** A TLW/1 PING or PONG frame (src/main/docs/tlw1.md sections 1 and 6); a PONG echoes the seq of its PING. */
public record KeepAliveFrame(Kind kind, long seq) {

    public enum Kind {
        PING,
        PONG
    }

    public KeepAliveFrame {
        if (seq < 0 || seq > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("seq is a u32: " + seq);
        }
    }

    public static KeepAliveFrame ping(long seq) {
        return new KeepAliveFrame(Kind.PING, seq);
    }

    public static KeepAliveFrame pong(long seq) {
        return new KeepAliveFrame(Kind.PONG, seq);
    }
}
