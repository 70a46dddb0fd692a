package io.ucsync.tlib.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.CallType;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.DnRole;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte vectors written by hand from src/main/docs/tlw1.md sections 1-3 (not produced by the encoder): each decodes,
 * through the pipeline's own decoder, to the message the page describes, also when split anywhere, and encodes back
 * to the same bytes.
 */
class TlwHandVectorsTest {

    @RegisterExtension
    static final NettyLeakWatcher LEAKS = new NettyLeakWatcher();

    private static final HexFormat HEX = HexFormat.of();

    /** PING seq 7: length 8, 'T' 'L', version 1, kind 1, u32 seq. */
    static final String PING_7 = "00000008" + "544c0101" + "00000007";

    /** PONG seq 0xFFFFFFFF (the largest u32). */
    static final String PONG_MAX = "00000008" + "544c0102" + "ffffffff";

    /** RequestRegisterClient {ReferenceID 1, ProtocolVersion "TLW/1", ApplicationName "ucsync"}: 46 bytes after the length. */
    static final String REGISTER_CLIENT = "0000002e" + "544c0100" + "00000000" + "0003"
            + "0002" + "01" + "00000004" + "00000001"
            + "0000" + "03" + "00000005" + "544c572f31"
            + "0040" + "03" + "00000006" + "756373796e63";

    /** RequestAgentNotReady {ReferenceID 7, AgentWorkMode 4 AuxWork, Reasons [ReasonCode=Busy], ThisDN "5001"}. */
    static final String AGENT_NOT_READY = "0000004b" + "544c0100" + "0000000b" + "0004"
            + "0002" + "01" + "00000004" + "00000007"
            + "0010" + "01" + "00000004" + "00000004"
            + "0011" + "05" + "00000019" + "00000001" + "000a" + "526561736f6e436f6465" + "00" + "00000004" + "42757379"
            + "0014" + "03" + "00000004" + "35303031";

    /**
     * EventRinging, unsolicited (no ReferenceID): ConnID 0011223344556677, ThisDN 5001, ThisDNRole 2, OtherDN 5002,
     * UserData [Customer=[Tier=INT 3, Name=UNICODE "Zoë"]] (a nested list), CallType 2 Inbound.
     */
    static final String RINGING = "00000081" + "544c0100" + "0000003c" + "0006"
            + "0009" + "06" + "00000008" + "0011223344556677"
            + "0014" + "03" + "00000004" + "35303031"
            + "0017" + "01" + "00000004" + "00000002"
            + "0018" + "03" + "00000004" + "35303032"
            + "0033" + "05" + "00000035" + "00000001"
            + "0008" + "437573746f6d6572" + "03" + "00000022" + "00000002"
            + "0004" + "54696572" + "01" + "00000004" + "00000003"
            + "0004" + "4e616d65" + "04" + "00000004" + "5a6fc3ab"
            + "0036" + "01" + "00000004" + "00000002";

    /** EventError {ReferenceID 9, ErrorMessage "agent not logged in", ThisDN 5001, ErrorCode 1707}. */
    static final String ERROR_1707 = "00000045" + "544c0100" + "00000034" + "0004"
            + "0002" + "01" + "00000004" + "00000009"
            + "0001" + "03" + "00000013" + "6167656e74206e6f74206c6f6767656420696e"
            + "0014" + "03" + "00000004" + "35303031"
            + "002e" + "01" + "00000004" + "000006ab";

    /** EventAgentLogin {AgentID agent01, AgentWorkMode 1, ThisDN 5001, TimeinSecs 1700000000, TimeinuSecs 250000, EventSequenceNumber 42 (LONG)}. */
    static final String AGENT_LOGIN = "00000053" + "544c0100" + "00000049" + "0006"
            + "000e" + "03" + "00000007" + "6167656e743031"
            + "0010" + "01" + "00000004" + "00000001"
            + "0014" + "03" + "00000004" + "35303031"
            + "0056" + "01" + "00000004" + "6553f100"
            + "0057" + "01" + "00000004" + "0003d090"
            + "0094" + "02" + "00000008" + "000000000000002a";

    @Test
    void keep_alive_frames_match_the_page() {
        assertThat(decode(PING_7)).isEqualTo(KeepAliveFrame.ping(7));
        assertThat(decode(PONG_MAX)).isEqualTo(KeepAliveFrame.pong(0xFFFF_FFFFL));
        assertReEncodes(PING_7);
        assertReEncodes(PONG_MAX);
    }

    @Test
    void register_client_matches_the_page() {
        TlibMessage message = (TlibMessage) decode(REGISTER_CLIENT);
        assertThat(message.type()).isEqualTo(MessageType.RequestRegisterClient);
        assertThat(message.getReferenceId()).isEqualTo(1);
        assertThat(message.getProtocolVersion()).isEqualTo("TLW/1");
        assertThat(message.getApplicationName()).isEqualTo("ucsync");
        assertReEncodes(REGISTER_CLIENT);
        assertThat(encode(TlibMessage.create(MessageType.RequestRegisterClient)
                        .applicationName("ucsync")
                        .protocolVersion("TLW/1")
                        .referenceId(1)))
                .isEqualTo(REGISTER_CLIENT);
    }

    @Test
    void not_ready_with_reasons_matches_the_page() {
        TlibMessage message = (TlibMessage) decode(AGENT_NOT_READY);
        assertThat(message.type()).isEqualTo(MessageType.RequestAgentNotReady);
        assertThat(message.getAgentWorkMode()).isEqualTo(AgentWorkMode.AuxWork);
        assertThat(message.getReasonCode()).isEqualTo("Busy");
        assertThat(message.getThisDN()).isEqualTo("5001");
        assertReEncodes(AGENT_NOT_READY);
        assertThat(encode(TlibMessage.create(MessageType.RequestAgentNotReady)
                        .referenceId(7)
                        .thisDN("5001")
                        .agentWorkMode(AgentWorkMode.AuxWork)
                        .reasons(new KeyValueCollection().addString("ReasonCode", "Busy"))))
                .isEqualTo(AGENT_NOT_READY);
    }

    @Test
    void ringing_with_connid_and_nested_user_data_matches_the_page() {
        TlibMessage message = (TlibMessage) decode(RINGING);
        assertThat(message.type()).isEqualTo(MessageType.EventRinging);
        assertThat(message.getReferenceId()).isNull();
        assertThat(message.getConnId()).hasToString("0011223344556677");
        assertThat(message.getCallType()).isEqualTo(CallType.Inbound);
        assertThat(message.getInt(AttributeId.ThisDNRole)).isEqualTo(DnRole.Destination.code());
        KeyValueCollection customer = message.getUserData().getList("Customer");
        assertThat(customer.getInt("Tier")).isEqualTo(3);
        assertThat(customer.getString("Name")).isEqualTo("Zoë");
        assertReEncodes(RINGING);
        assertThat(encode(TlibMessage.create(MessageType.EventRinging)
                        .connId(ConnectionId.parse("0011223344556677"))
                        .thisDN("5001")
                        .thisDNRole(DnRole.Destination)
                        .otherDN("5002")
                        .callType(CallType.Inbound)
                        .userData(new KeyValueCollection()
                                .addList(
                                        "Customer",
                                        new KeyValueCollection()
                                                .addInt("Tier", 3)
                                                .addUnicode("Name", "Zoë")))))
                .isEqualTo(RINGING);
    }

    @Test
    void event_error_matches_the_page() {
        TlibMessage message = (TlibMessage) decode(ERROR_1707);
        assertThat(message.type()).isEqualTo(MessageType.EventError);
        assertThat(message.getErrorCode()).isEqualTo(ErrorCode.AgentNotLoggedIn.code());
        assertThat(message.getErrorMessage()).isEqualTo("agent not logged in");
        assertReEncodes(ERROR_1707);
        assertThat(encode(TlibMessage.create(MessageType.EventError)
                        .referenceId(9)
                        .thisDN("5001")
                        .errorCode(ErrorCode.AgentNotLoggedIn)))
                .isEqualTo(ERROR_1707);
    }

    @Test
    void agent_login_with_time_and_long_sequence_matches_the_page() {
        TlibMessage message = (TlibMessage) decode(AGENT_LOGIN);
        assertThat(message.type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(message.getAgentId()).isEqualTo("agent01");
        assertThat(message.getAgentWorkMode()).isEqualTo(AgentWorkMode.ManualIn);
        assertThat(message.getInt(AttributeId.TimeinSecs)).isEqualTo(1_700_000_000);
        assertThat(message.getInt(AttributeId.TimeinuSecs)).isEqualTo(250_000);
        assertThat(message.getEventSequenceNumber()).isEqualTo(42L);
        assertReEncodes(AGENT_LOGIN);
    }

    @Test
    void attribute_order_is_free_unknown_ids_are_skipped_and_the_first_duplicate_counts() {
        // RequestAgentReady: ThisDN "5001", unknown attr 999 (INT), ReferenceID 3, ThisDN again "5002".
        String frame = "00000036" + "544c0100" + "0000000a" + "0004"
                + "0014" + "03" + "00000004" + "35303031"
                + "03e7" + "01" + "00000004" + "00000063"
                + "0002" + "01" + "00000004" + "00000003"
                + "0014" + "03" + "00000004" + "35303032";
        TlibMessage message = (TlibMessage) decode(frame);
        assertThat(message.getReferenceId()).isEqualTo(3);
        assertThat(message.getThisDN()).isEqualTo("5001");
        assertThat(message.attributes()).containsOnlyKeys(AttributeId.ThisDN, AttributeId.ReferenceID);
    }

    @Test
    void a_known_attribute_with_the_wrong_value_type_is_treated_as_missing() {
        // RequestAgentLogin {ReferenceID 4, ThisDN as INT 5001}
        String frame = "00000020" + "544c0100" + "00000008" + "0002"
                + "0002" + "01" + "00000004" + "00000004"
                + "0014" + "01" + "00000004" + "00001389";
        TlibMessage message = (TlibMessage) decode(frame);
        assertThat(message.getReferenceId()).isEqualTo(4);
        assertThat(message.getThisDN()).isNull();
        assertThat(message.has(AttributeId.ThisDN)).isFalse();
    }

    @Test
    void an_unknown_message_type_is_read_with_its_number() {
        String frame = "00000015" + "544c0100" + "000003e7" + "0001" + "0002" + "01" + "00000004" + "00000005";
        TlibMessage message = (TlibMessage) decode(frame);
        assertThat(message.type()).isNull();
        assertThat(message.messageTypeCode()).isEqualTo(999);
        assertThat(message.getReferenceId()).isEqualTo(5);
    }

    @Test
    void frames_arriving_byte_by_byte_decode_once_complete() {
        EmbeddedChannel channel = new EmbeddedChannel(new TlwDecoder(TlwCodec.DEFAULT_MAX_FRAME_SIZE));
        byte[] bytes = HEX.parseHex(RINGING + PING_7);
        for (byte b : bytes) {
            channel.writeInbound(channel.alloc().buffer(1).writeByte(b));
        }
        TlibMessage ringing = channel.readInbound();
        assertThat(ringing.type()).isEqualTo(MessageType.EventRinging);
        assertThat((Object) channel.readInbound()).isEqualTo(KeepAliveFrame.ping(7));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("PING", PING_7),
                Arguments.of("PONG", PONG_MAX),
                Arguments.of("RequestRegisterClient", REGISTER_CLIENT),
                Arguments.of("RequestAgentNotReady", AGENT_NOT_READY),
                Arguments.of("EventRinging", RINGING),
                Arguments.of("EventError", ERROR_1707),
                Arguments.of("EventAgentLogin", AGENT_LOGIN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void a_vector_split_anywhere_decodes_as_whole_and_its_first_part_is_left_unread(String name, String hex) {
        byte[] bytes = HEX.parseHex(hex);
        Object whole = decode(hex);
        for (int split = 1; split < bytes.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new TlwDecoder(TlwCodec.DEFAULT_MAX_FRAME_SIZE));
            ByteBuf first = channel.alloc().buffer(split).writeBytes(bytes, 0, split);
            // kept past the write: the decoder holds the first part as its cumulation and must not read from it
            first.retain();
            assertThat(channel.writeInbound(first))
                    .as("output after %d of %d bytes", split, bytes.length)
                    .isFalse();
            assertThat(first.readerIndex())
                    .as("reader index after %d of %d bytes", split, bytes.length)
                    .isZero();
            first.release();
            int rest = bytes.length - split;
            channel.writeInbound(channel.alloc().buffer(rest).writeBytes(bytes, split, rest));
            assertThat((Object) channel.readInbound())
                    .as("split after %d bytes", split)
                    .isEqualTo(whole);
            assertThat(channel.finish())
                    .as("anything more after split %d", split)
                    .isFalse();
        }
    }

    /** One frame through the pipeline's decoder, in one piece: exactly one frame comes out, and nothing is left. */
    private static Object decode(String hex) {
        EmbeddedChannel channel = new EmbeddedChannel(new TlwDecoder(TlwCodec.DEFAULT_MAX_FRAME_SIZE));
        byte[] bytes = HEX.parseHex(hex);
        channel.writeInbound(channel.alloc().buffer(bytes.length).writeBytes(bytes));
        Object frame = channel.readInbound();
        assertThat(frame).as("the frame of %s", hex).isNotNull();
        assertThat(channel.isOpen()).as("channel open after %s", hex).isTrue();
        assertThat(channel.finish())
                .as("more than one frame, or bytes left, in %s", hex)
                .isFalse();
        return frame;
    }

    private static String encode(Object frame) {
        EmbeddedChannel channel = new EmbeddedChannel(TlwEncoder.INSTANCE);
        channel.writeOutbound(frame);
        ByteBuf out = channel.readOutbound();
        try {
            return io.netty.buffer.ByteBufUtil.hexDump(out);
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
    }

    private static void assertReEncodes(String hex) {
        assertThat(encode(decode(hex))).isEqualTo(hex);
    }
}
