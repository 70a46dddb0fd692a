package io.ucsync.tlib.protocol;

/** ThisDNRole (attribute 23) of call events. */
public enum DnRole implements Coded {
    Origination(1),
    Destination(2);

    private final int code;

    DnRole(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static DnRole of(int code) {
        return Coded.byCode(DnRole.class, code);
    }
}
