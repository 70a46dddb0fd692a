package io.ucsync.tlib.protocol;

/** AddressInfoType (attribute 56) of RequestQueryAddress and EventAddressInfo. */
public enum AddressInfoType implements Coded {
    AgentStatus(4);

    private final int code;

    AddressInfoType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static AddressInfoType of(int code) {
        return Coded.byCode(AddressInfoType.class, code);
    }
}
