package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.TlibMessage;

/**
 * The attributes each request must carry (src/main/docs/tlw1.md section 4, the second 53): a check of the message
 * alone, before any state is read. Apart from the switch so that the conversation reads as what each request does,
 * and the rules as one table.
 */
final class RequestAttributeRules {

    /**
     * Reasons is listed without "optional" in RequestAgentLogin and RequestAgentNotReady (src/main/docs/tlw1.md section
     * 5, steps 5 and 6; RequestAgentLogout says "optional Reasons"): a request without it, or with it not a KVLIST, is 53.
     */
    private static final String REASONS_MISSING =
            "Reasons missing or not a KVLIST (send an empty list when there is no reason)";

    private RequestAttributeRules() {}

    /** The first attribute rule that a request breaks, or null when it has all it needs. */
    static String firstBroken(TlibMessage m) {
        switch (m.type()) {
            case RequestRegisterClient:
                if (blank(m.getProtocolVersion())) {
                    return "ProtocolVersion missing";
                }
                if (blank(m.getApplicationName())) {
                    return "ApplicationName missing";
                }
                KeyValueCollection extensions = m.getExtensions();
                if (extensions != null && hasKey(extensions, EmulatedSwitch.KEEPALIVE_EXTENSION)) {
                    Integer seconds = extensions.getInt(EmulatedSwitch.KEEPALIVE_EXTENSION);
                    if (seconds == null || seconds < 0) {
                        return "Extensions " + EmulatedSwitch.KEEPALIVE_EXTENSION + " must be an INT of seconds >= 0";
                    }
                }
                return null;
            case RequestRegisterAddress:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.getRegisterMode() == null) {
                    return "RegisterMode missing or unknown";
                }
                if (m.getInt(AttributeId.ControlMode) == null
                        || ControlMode.of(m.getInt(AttributeId.ControlMode)) == null) {
                    return "ControlMode missing or unknown";
                }
                Integer addressType = m.getInt(AttributeId.AddressType);
                if (addressType == null || addressType != AddressType.DN.code()) {
                    return "AddressType must be 1 (DN)";
                }
                return null;
            case RequestQueryAddress:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return m.getAddressInfoType() == AddressInfoType.AgentStatus
                        ? null
                        : "AddressInfoType must be 4 (AgentStatus)";
            case RequestAgentLogin:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (blank(m.getAgentId())) {
                    return "AgentID missing";
                }
                if (m.getPassword() == null) {
                    return "Password missing";
                }
                if (m.getAgentWorkMode() == null) {
                    return "AgentWorkMode missing or unknown";
                }
                return m.getReasons() == null ? REASONS_MISSING : null;
            case RequestAgentReady:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.has(AttributeId.AgentWorkMode)
                        && (m.getAgentWorkMode() == null
                                || !m.getAgentWorkMode().isReady())) {
                    return "AgentWorkMode of RequestAgentReady must be 1, 2 or 7";
                }
                return null;
            case RequestAgentNotReady:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                if (m.has(AttributeId.AgentWorkMode)
                        && (m.getAgentWorkMode() == null || m.getAgentWorkMode().isReady())) {
                    return "AgentWorkMode of RequestAgentNotReady must not be 1, 2 or 7";
                }
                return m.getReasons() == null ? REASONS_MISSING : null;
            case RequestMakeCall:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return blank(m.getOtherDN()) ? "OtherDN missing" : null;
            case RequestAnswerCall:
            case RequestReleaseCall:
                if (blank(m.getThisDN())) {
                    return "ThisDN missing";
                }
                return m.getConnId() == null ? "ConnID missing" : null;
            default:
                return blank(m.getThisDN()) ? "ThisDN missing" : null;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean hasKey(KeyValueCollection collection, String key) {
        return collection.pairs().stream().anyMatch(p -> p.key().equals(key));
    }
}
