package io.ucsync.tlib.protocol;

/** The kvType of a pair in a TLW/1 key-value list (src/main/docs/tlw1.md section 1). */
public enum KvType implements Coded {
    STRING(0),
    INT(1),
    BINARY(2),
    LIST(3),
    UNICODE(4);

    private final int code;

    KvType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The pair type with this number, or null when TLW/1 defines none. */
    public static KvType of(int code) {
        return Coded.byCode(KvType.class, code);
    }
}
