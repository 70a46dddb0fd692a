package io.ucsync.tlib.protocol;

/** The valueType of a TLW/1 attribute (src/main/docs/tlw1.md section 1). */
public enum ValueType implements Coded {
    INT(1),
    LONG(2),
    STRING(3),
    BINARY(4),
    KVLIST(5),
    CONNID(6);

    private final int code;

    ValueType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The value type with this code, or null when TLW/1 does not define it. */
    public static ValueType of(int code) {
        return Coded.byCode(ValueType.class, code);
    }
}
