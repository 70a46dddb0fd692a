package io.ucsync.tlib.protocol;

/** ServerRole (attribute 62) a T-Server reports in EventServerInfo and EventPrimaryChanged. */
public enum ServerRole implements Coded {
    Primary(0),
    Backup(1);

    private final int code;

    ServerRole(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static ServerRole of(int code) {
        return Coded.byCode(ServerRole.class, code);
    }
}
