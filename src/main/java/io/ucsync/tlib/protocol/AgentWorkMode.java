package io.ucsync.tlib.protocol;

/** AgentWorkMode (attribute 16). */
public enum AgentWorkMode implements Coded {
    Unknown(0),
    ManualIn(1),
    AutoIn(2),
    AfterCallWork(3),
    AuxWork(4),
    NoCallDisconnect(5),
    WalkAway(6),
    ReturnBack(7);

    private final int code;

    AgentWorkMode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static AgentWorkMode of(int code) {
        return Coded.byCode(AgentWorkMode.class, code);
    }

    /** Whether logging in with this work mode leaves the agent Ready (src/main/docs/tlw1.md section 5 step 5). */
    public boolean isReady() {
        return this == ManualIn || this == AutoIn || this == ReturnBack;
    }
}
