package io.ucsync.tlib.codec;

/** A received frame broke a rule of src/main/docs/tlw1.md section 1; the connection it came on must be closed. */
public class TlwProtocolException extends RuntimeException {

    private final TlwViolation violation;

    public TlwProtocolException(TlwViolation violation, String detail) {
        super(violation.rule() + ": " + detail);
        this.violation = violation;
    }

    public TlwViolation violation() {
        return violation;
    }
}
