package io.ucsync.tlib.protocol;

/** CallType (attribute 54) of call events. */
public enum CallType implements Coded {
    Unknown(0),
    Internal(1),
    Inbound(2),
    Outbound(3),
    Consult(4);

    private final int code;

    CallType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static CallType of(int code) {
        return Coded.byCode(CallType.class, code);
    }
}
