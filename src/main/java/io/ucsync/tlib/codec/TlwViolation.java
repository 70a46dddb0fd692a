package io.ucsync.tlib.codec;

/** The rules of src/main/docs/tlw1.md section 1 whose violation makes a receiver close the connection. */
public enum TlwViolation {
    BAD_MAGIC("bad magic"),
    UNKNOWN_VERSION("unknown version"),
    UNKNOWN_KIND("unknown kind"),
    LENGTH_OUT_OF_RANGE("frame length below 4 or above the maximum frame size"),
    BAD_KEEPALIVE_BODY("PING/PONG body is not 4 bytes"),
    LENGTH_PAST_CONTAINER("attribute or pair runs past its container"),
    TRAILING_BYTES("bytes left over after the last attribute or pair"),
    UNKNOWN_VALUE_TYPE("unknown valueType"),
    UNKNOWN_KV_TYPE("unknown kvType"),
    WRONG_VALUE_LENGTH("INT/LONG/CONNID of the wrong length"),
    INVALID_UTF8("invalid UTF-8"),
    NESTED_TOO_DEEP("kvlist nested deeper than 8");

    private final String rule;

    TlwViolation(String rule) {
        this.rule = rule;
    }

    /** The rule in a few words, for log lines. */
    public String rule() {
        return rule;
    }
}
