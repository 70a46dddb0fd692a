package io.ucsync.tlib.protocol;

/** RegisterMode (attribute 49) of RequestRegisterAddress. */
public enum RegisterMode implements Coded {
    Share(0),
    Private(1),
    Monitor(2);

    private final int code;

    RegisterMode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The constant with this number, or null when TLW/1 defines none. */
    public static RegisterMode of(int code) {
        return Coded.byCode(RegisterMode.class, code);
    }
}
