package io.ucsync.tlib.protocol;

/** AddressType (attribute 47). */
public enum AddressType implements Coded {
    DN(1),
    Queue(3),
    AgentID(13);

    private final int code;

    AddressType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static AddressType of(int code) {
        return Coded.byCode(AddressType.class, code);
    }
}
