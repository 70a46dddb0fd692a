package io.ucsync.tlib.protocol;

import java.util.HashMap;
import java.util.Map;

/** TLW/1 attributes (src/main/docs/tlw1.md section 3): T-Library's names and ids, each with its one value type. */
public enum AttributeId {
    ProtocolVersion(0, ValueType.STRING),
    ErrorMessage(1, ValueType.STRING),
    ReferenceID(2, ValueType.INT),
    ConnID(9, ValueType.CONNID),
    AgentID(14, ValueType.STRING),
    AgentWorkMode(16, ValueType.INT),
    Reasons(17, ValueType.KVLIST),
    ThisDN(20, ValueType.STRING),
    ThisQueue(21, ValueType.STRING),
    ThisDNRole(23, ValueType.INT),
    OtherDN(24, ValueType.STRING),
    Password(36, ValueType.STRING),
    ErrorCode(46, ValueType.INT),
    AddressType(47, ValueType.INT),
    RegisterMode(49, ValueType.INT),
    ControlMode(50, ValueType.INT),
    UserData(51, ValueType.KVLIST),
    Extensions(53, ValueType.KVLIST),
    CallType(54, ValueType.INT),
    AddressInfoType(56, ValueType.INT),
    AddressInfoStatus(57, ValueType.INT),
    ServerVersion(61, ValueType.STRING),
    ServerRole(62, ValueType.INT),
    ApplicationName(64, ValueType.STRING),
    TimeinSecs(86, ValueType.INT),
    TimeinuSecs(87, ValueType.INT),
    EventSequenceNumber(148, ValueType.LONG);

    private static final Map<Integer, AttributeId> BY_ID = new HashMap<>();

    static {
        for (AttributeId attribute : values()) {
            BY_ID.put(attribute.id, attribute);
        }
    }

    private final int id;
    private final ValueType valueType;

    AttributeId(int id, ValueType valueType) {
        this.id = id;
        this.valueType = valueType;
    }

    public int id() {
        return id;
    }

    public ValueType valueType() {
        return valueType;
    }

    /** The attribute with this id, or null when TLW/1 does not define it (a reader skips it). */
    public static AttributeId of(int id) {
        return BY_ID.get(id);
    }
}
