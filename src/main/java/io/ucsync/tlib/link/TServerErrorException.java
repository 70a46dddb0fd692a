package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.TlibMessage;

/** The T-Server answered a request with EventError: its code and text, and what was asked. */
public class TServerErrorException extends TServerLinkException {

    private final int errorCode;
    private final String errorMessage;
    private final TlibMessage request;

    public TServerErrorException(TlibMessage request, TlibMessage error) {
        super(describe(request, error));
        Integer code = error.getErrorCode();
        this.errorCode = code == null ? ErrorCode.Unknown.code() : code;
        this.errorMessage = error.getErrorMessage();
        this.request = request;
    }

    private static String describe(TlibMessage request, TlibMessage error) {
        Integer code = error.getErrorCode();
        ErrorCode known = code == null ? null : ErrorCode.of(code);
        return "T-Server refused " + request.type()
                + (request.getThisDN() == null ? "" : " on DN " + request.getThisDN())
                + ": EventError " + code + (known == null ? "" : " " + known.name())
                + (error.getErrorMessage() == null ? "" : " (" + error.getErrorMessage() + ")");
    }

    /** The EventError's ErrorCode (src/main/docs/tlw1.md section 4). */
    public int getErrorCode() {
        return errorCode;
    }

    /** The named code, or null when the server sent one src/main/docs/tlw1.md section 4 does not list. */
    public ErrorCode getError() {
        return ErrorCode.of(errorCode);
    }

    public String getErrorMessage() {
        return errorMessage;
    }

    public TlibMessage getRequest() {
        return request;
    }
}
