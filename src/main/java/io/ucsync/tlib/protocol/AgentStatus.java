package io.ucsync.tlib.protocol;

/** AddressInfoStatus (attribute 57) for AddressInfoType AgentStatus: this profile's choice of numbers. */
public enum AgentStatus implements Coded {
    LoggedOut(0),
    Ready(1),
    NotReady(2);

    private final int code;

    AgentStatus(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static AgentStatus of(int code) {
        return Coded.byCode(AgentStatus.class, code);
    }
}
