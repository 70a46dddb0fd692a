package io.ucsync.tlib.protocol;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One TLW/1 MESSAGE frame: a message type and its attributes, read and written with Platform SDK names
 * ({@code TlibMessage.create(MessageType.RequestAgentLogin).referenceId(1).thisDN("5001").agentId("a1")}).
 * <p>
 * A message is built by one thread and then handed over; it is not meant to be changed once sent.
 * An attribute that arrived with the wrong value type is not kept: src/main/docs/tlw1.md section 1 treats it as
 * missing.
 */
public final class TlibMessage {

    /** ReasonCode travels as this STRING pair in Reasons (or, second choice, in Extensions). */
    public static final String REASON_CODE_KEY = "ReasonCode";

    private final int messageTypeCode;
    private final MessageType type;
    private final Map<AttributeId, Object> attributes = new EnumMap<>(AttributeId.class);

    private TlibMessage(int messageTypeCode) {
        this.messageTypeCode = messageTypeCode;
        this.type = MessageType.of(messageTypeCode);
    }

    public static TlibMessage create(MessageType type) {
        return new TlibMessage(type.code());
    }

    /** A message as read from the wire, whose type may be one TLW/1 does not define. */
    public static TlibMessage ofTypeCode(int messageTypeCode) {
        return new TlibMessage(messageTypeCode);
    }

    public int messageTypeCode() {
        return messageTypeCode;
    }

    /** The message type, or null when the number is not one of TLW/1's. */
    public MessageType type() {
        return type;
    }

    /** The message name, or {@code Unknown(N)}. */
    public String name() {
        return type != null ? type.name() : "Unknown(" + messageTypeCode + ")";
    }

    // ---- generic access

    /**
     * Sets an attribute; the value's class must fit the attribute's value type
     * (Integer, Long, String, byte[], KeyValueCollection or ConnectionId). A null value removes it.
     */
    public TlibMessage set(AttributeId attribute, Object value) {
        if (value == null) {
            attributes.remove(attribute);
            return this;
        }
        Class<?> expected = javaType(attribute.valueType());
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(attribute + " is " + attribute.valueType() + " and needs a "
                    + expected.getSimpleName() + ", not " + value.getClass().getSimpleName());
        }
        attributes.put(attribute, value);
        return this;
    }

    /** Sets an attribute read from the wire unless it is already present: the first occurrence counts. */
    public boolean setIfAbsent(AttributeId attribute, Object value) {
        if (attributes.containsKey(attribute)) {
            return false;
        }
        set(attribute, value);
        return true;
    }

    private static Class<?> javaType(ValueType valueType) {
        return switch (valueType) {
            case INT -> Integer.class;
            case LONG -> Long.class;
            case STRING -> String.class;
            case BINARY -> byte[].class;
            case KVLIST -> KeyValueCollection.class;
            case CONNID -> ConnectionId.class;
        };
    }

    public boolean has(AttributeId attribute) {
        return attributes.containsKey(attribute);
    }

    public Object get(AttributeId attribute) {
        return attributes.get(attribute);
    }

    /** Every attribute of this message, in attribute-id order. */
    public Map<AttributeId, Object> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public Integer getInt(AttributeId attribute) {
        return typed(attribute, Integer.class);
    }

    public Long getLong(AttributeId attribute) {
        return typed(attribute, Long.class);
    }

    public String getString(AttributeId attribute) {
        return typed(attribute, String.class);
    }

    public KeyValueCollection getKvList(AttributeId attribute) {
        return typed(attribute, KeyValueCollection.class);
    }

    private <T> T typed(AttributeId attribute, Class<T> type) {
        Object value = attributes.get(attribute);
        return type.isInstance(value) ? type.cast(value) : null;
    }

    private static <E extends Enum<E> & Coded> E decodeEnum(Integer code, Class<E> type) {
        return code == null ? null : Coded.byCode(type, code);
    }

    // ---- fluent setters

    public TlibMessage referenceId(int referenceId) {
        return set(AttributeId.ReferenceID, referenceId);
    }

    public TlibMessage thisDN(String dn) {
        return set(AttributeId.ThisDN, dn);
    }

    public TlibMessage otherDN(String dn) {
        return set(AttributeId.OtherDN, dn);
    }

    public TlibMessage agentId(String agentId) {
        return set(AttributeId.AgentID, agentId);
    }

    public TlibMessage password(String password) {
        return set(AttributeId.Password, password);
    }

    public TlibMessage thisQueue(String queue) {
        return set(AttributeId.ThisQueue, queue);
    }

    public TlibMessage agentWorkMode(AgentWorkMode workMode) {
        return set(AttributeId.AgentWorkMode, workMode == null ? null : workMode.code());
    }

    public TlibMessage reasons(KeyValueCollection reasons) {
        return set(AttributeId.Reasons, reasons);
    }

    /**
     * Reasons with the reason code as its ReasonCode pair, or empty when {@code reasonCode} is null: RequestAgentLogin,
     * RequestAgentNotReady and EventAgentNotReady carry Reasons even without a reason (src/main/docs/tlw1.md section 5).
     */
    public TlibMessage reasonCode(String reasonCode) {
        KeyValueCollection reasons = new KeyValueCollection();
        return reasons(reasonCode == null ? reasons : reasons.addString(REASON_CODE_KEY, reasonCode));
    }

    public TlibMessage extensions(KeyValueCollection extensions) {
        return set(AttributeId.Extensions, extensions);
    }

    public TlibMessage userData(KeyValueCollection userData) {
        return set(AttributeId.UserData, userData);
    }

    public TlibMessage connId(ConnectionId connId) {
        return set(AttributeId.ConnID, connId);
    }

    /** Sets ErrorCode and, as ErrorMessage, the code's text. */
    public TlibMessage errorCode(ErrorCode errorCode) {
        set(AttributeId.ErrorCode, errorCode.code());
        return set(AttributeId.ErrorMessage, errorCode.text());
    }

    public TlibMessage errorMessage(String message) {
        return set(AttributeId.ErrorMessage, message);
    }

    public TlibMessage serverRole(ServerRole role) {
        return set(AttributeId.ServerRole, role.code());
    }

    public TlibMessage serverVersion(String version) {
        return set(AttributeId.ServerVersion, version);
    }

    public TlibMessage applicationName(String name) {
        return set(AttributeId.ApplicationName, name);
    }

    public TlibMessage protocolVersion(String version) {
        return set(AttributeId.ProtocolVersion, version);
    }

    public TlibMessage registerMode(RegisterMode mode) {
        return set(AttributeId.RegisterMode, mode.code());
    }

    public TlibMessage controlMode(ControlMode mode) {
        return set(AttributeId.ControlMode, mode.code());
    }

    public TlibMessage addressType(AddressType type) {
        return set(AttributeId.AddressType, type.code());
    }

    public TlibMessage addressInfoType(AddressInfoType type) {
        return set(AttributeId.AddressInfoType, type.code());
    }

    public TlibMessage addressInfoStatus(AgentStatus status) {
        return set(AttributeId.AddressInfoStatus, status.code());
    }

    public TlibMessage callType(CallType callType) {
        return set(AttributeId.CallType, callType.code());
    }

    public TlibMessage thisDNRole(DnRole role) {
        return set(AttributeId.ThisDNRole, role.code());
    }

    /** Sets TimeinSecs and TimeinuSecs. */
    public TlibMessage time(Instant time) {
        set(AttributeId.TimeinSecs, (int) time.getEpochSecond());
        return set(AttributeId.TimeinuSecs, time.getNano() / 1000);
    }

    public TlibMessage eventSequenceNumber(long sequenceNumber) {
        return set(AttributeId.EventSequenceNumber, sequenceNumber);
    }

    // ---- typed accessors: null when missing (or when it arrived with the wrong value type)

    public Integer getReferenceId() {
        return getInt(AttributeId.ReferenceID);
    }

    public String getThisDN() {
        return getString(AttributeId.ThisDN);
    }

    public String getOtherDN() {
        return getString(AttributeId.OtherDN);
    }

    public String getAgentId() {
        return getString(AttributeId.AgentID);
    }

    public String getPassword() {
        return getString(AttributeId.Password);
    }

    public String getThisQueue() {
        return getString(AttributeId.ThisQueue);
    }

    public String getApplicationName() {
        return getString(AttributeId.ApplicationName);
    }

    public String getProtocolVersion() {
        return getString(AttributeId.ProtocolVersion);
    }

    public String getServerVersion() {
        return getString(AttributeId.ServerVersion);
    }

    public String getErrorMessage() {
        return getString(AttributeId.ErrorMessage);
    }

    public Integer getErrorCode() {
        return getInt(AttributeId.ErrorCode);
    }

    public AgentWorkMode getAgentWorkMode() {
        return decodeEnum(getInt(AttributeId.AgentWorkMode), AgentWorkMode.class);
    }

    public ServerRole getServerRole() {
        return decodeEnum(getInt(AttributeId.ServerRole), ServerRole.class);
    }

    public AgentStatus getAddressInfoStatus() {
        return decodeEnum(getInt(AttributeId.AddressInfoStatus), AgentStatus.class);
    }

    public AddressInfoType getAddressInfoType() {
        return decodeEnum(getInt(AttributeId.AddressInfoType), AddressInfoType.class);
    }

    public RegisterMode getRegisterMode() {
        return decodeEnum(getInt(AttributeId.RegisterMode), RegisterMode.class);
    }

    public CallType getCallType() {
        return decodeEnum(getInt(AttributeId.CallType), CallType.class);
    }

    public KeyValueCollection getReasons() {
        return getKvList(AttributeId.Reasons);
    }

    public KeyValueCollection getExtensions() {
        return getKvList(AttributeId.Extensions);
    }

    public KeyValueCollection getUserData() {
        return getKvList(AttributeId.UserData);
    }

    public ConnectionId getConnId() {
        return typed(AttributeId.ConnID, ConnectionId.class);
    }

    public Long getEventSequenceNumber() {
        return getLong(AttributeId.EventSequenceNumber);
    }

    /** ReasonCode from Reasons first, then from Extensions (src/main/docs/tlw1.md section 3); null when neither has. */
    public String getReasonCode() {
        KeyValueCollection reasons = getReasons();
        String code = reasons == null ? null : reasons.getString(REASON_CODE_KEY);
        if (code == null) {
            KeyValueCollection extensions = getExtensions();
            code = extensions == null ? null : extensions.getString(REASON_CODE_KEY);
        }
        return code;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TlibMessage message)
                || messageTypeCode != message.messageTypeCode
                || !attributes.keySet().equals(message.attributes.keySet())) {
            return false;
        }
        for (Map.Entry<AttributeId, Object> entry : attributes.entrySet()) {
            Object mine = entry.getValue();
            Object theirs = message.attributes.get(entry.getKey());
            boolean same = mine instanceof byte[] bytes
                    ? theirs instanceof byte[] b && Arrays.equals(bytes, b)
                    : mine.equals(theirs);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageTypeCode, attributes.keySet());
    }

    /** A Genesys-log-like line; the Password is masked so messages can be logged. */
    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(", ", name() + " {", "}");
        Integer referenceId = getReferenceId();
        if (referenceId != null) {
            joiner.add("ReferenceID=" + referenceId);
        }
        for (Map.Entry<AttributeId, Object> entry : attributes.entrySet()) {
            AttributeId attribute = entry.getKey();
            if (attribute == AttributeId.ReferenceID) {
                continue;
            }
            Object value = entry.getValue();
            String shown = attribute == AttributeId.Password
                    ? "***"
                    : value instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : String.valueOf(value);
            joiner.add(attribute.name() + "=" + shown);
        }
        return joiner.toString();
    }
}
