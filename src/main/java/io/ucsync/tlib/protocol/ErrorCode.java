package io.ucsync.tlib.protocol;

/** ErrorCode values of EventError (src/main/docs/tlw1.md section 4), with the text a server sends as ErrorMessage. */
public enum ErrorCode implements Coded {
    DnNotRegistered(41, "DN not registered by this client"),
    AlreadyInState(43, "already in the requested state"),
    Unknown(50, "unknown error"),
    UnsupportedOperation(51, "unsupported operation"),
    InvalidAttribute(53, "invalid or missing attribute"),
    NoLink(54, "no link to the switch"),
    WrongProtocolVersion(55, "wrong protocol version"),
    InvalidConnId(56, "invalid ConnID"),
    OutOfService(58, "out of service (server in Backup role)"),
    DnNotConfigured(59, "DN not configured"),
    WrongAgentId(1703, "wrong agent ID"),
    AgentIdInUse(1704, "agent ID in use on another DN"),
    PasswordMismatch(1705, "password mismatch"),
    AnotherAgentLoggedIn(1706, "another agent already logged in on this DN"),
    AgentNotLoggedIn(1707, "agent not logged in");

    private final int code;
    private final String text;

    ErrorCode(int code, String text) {
        this.code = code;
        this.text = text;
    }

    @Override
    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    /** The error with this number, or null when TLW/1 defines none. */
    public static ErrorCode of(int code) {
        return Coded.byCode(ErrorCode.class, code);
    }
}
