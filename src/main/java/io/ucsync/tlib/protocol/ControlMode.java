package io.ucsync.tlib.protocol;

/** ControlMode (attribute 50) of RequestRegisterAddress. */
public enum ControlMode implements Coded {
    Default(0),
    Force(1),
    Local(2);

    private final int code;

    ControlMode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static ControlMode of(int code) {
        return Coded.byCode(ControlMode.class, code);
    }
}
