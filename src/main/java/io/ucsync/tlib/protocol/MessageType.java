package io.ucsync.tlib.protocol;

import java.util.HashMap;
import java.util.Map;

/** TLW/1 message types (src/main/docs/tlw1.md section 2), with T-Library's names and numbers. */
public enum MessageType {
    RequestRegisterClient(0),
    RequestQueryAddress(2),
    RequestRegisterAddress(3),
    RequestUnregisterAddress(4),
    RequestAgentLogin(8),
    RequestAgentLogout(9),
    RequestAgentReady(10),
    RequestAgentNotReady(11),
    RequestSetDNDOn(12),
    RequestSetDNDOff(13),
    RequestMakeCall(14),
    RequestAnswerCall(16),
    RequestReleaseCall(17),
    EventError(52),
    EventRegistered(53),
    EventUnregistered(54),
    EventRinging(60),
    EventDialing(61),
    EventEstablished(64),
    EventReleased(65),
    EventAgentLogin(73),
    EventAgentLogout(74),
    EventAgentReady(75),
    EventAgentNotReady(76),
    EventDNDOn(77),
    EventDNDOff(78),
    EventAddressInfo(92),
    EventServerInfo(93),
    EventLinkDisconnected(94),
    EventLinkConnected(95),
    EventPrimaryChanged(133);

    private static final Map<Integer, MessageType> BY_CODE = new HashMap<>();

    static {
        for (MessageType type : values()) {
            BY_CODE.put(type.code, type);
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isRequest() {
        return name().startsWith("Request");
    }

    /** The message type with this number, or null when TLW/1 does not define it. */
    public static MessageType of(int code) {
        return BY_CODE.get(code);
    }
}
