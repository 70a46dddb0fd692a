package io.ucsync.tlib.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.ucsync.tlib.protocol.TlibMessage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed-frame rule of src/main/docs/tlw1.md section 1 against a real loopback server using the codec: the
 * offending connection is closed, and a second connection opened before it keeps working afterwards.
 */
class TlwMalformedFrameTest {

    @RegisterExtension
    static final NettyLeakWatcher LEAKS = new NettyLeakWatcher();

    private static final HexFormat HEX = HexFormat.of();
    private static final int MAX_FRAME = 1024;
    private static EventLoopGroup group;
    private static Channel server;

    @BeforeAll
    static void startServer() throws InterruptedException {
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TlwCodec.install(ch.pipeline(), MAX_FRAME);
                        // PINGs are answered by the codec's own handler; messages are echoed
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<TlibMessage>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, TlibMessage message) {
                                ctx.writeAndFlush(message);
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    @AfterAll
    static void stopServer() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    static Stream<Arguments> malformedFrames() {
        String kvPair7 = "00000001" + "0001" + "4b" + "07" + "00000000";
        return Stream.of(
                Arguments.of("bad magic", "00000008" + "5858" + "0101" + "00000001"),
                Arguments.of("unknown version", "00000008" + "544c" + "02" + "01" + "00000001"),
                Arguments.of("unknown kind", "00000008" + "544c01" + "07" + "00000001"),
                Arguments.of("length below 4", "00000003" + "544c01"),
                Arguments.of("length above the maximum, refused before the body arrives", "00000401" + "544c0100"),
                Arguments.of("PING body not 4 bytes", "00000007" + "544c0101" + "000001"),
                Arguments.of("PONG body not 4 bytes", "00000009" + "544c0102" + "0000000001"),
                Arguments.of(
                        "attribute runs past its container",
                        "00000011" + "544c0100" + "0000000a" + "0001" + "0002" + "01" + "00000064"),
                Arguments.of("attribute header cut short", "0000000d" + "544c0100" + "0000000a" + "0001" + "000201"),
                Arguments.of(
                        "attrCount larger than the attributes sent", "0000000a" + "544c0100" + "0000000a" + "0002"),
                Arguments.of(
                        "bytes left after the last attribute", "0000000b" + "544c0100" + "00000002" + "0000" + "ff"),
                Arguments.of(
                        "unknown valueType",
                        "00000011" + "544c0100" + "00000002" + "0001" + "0014" + "09" + "00000000"),
                Arguments.of(
                        "unknown kvType",
                        "0000001d" + "544c0100" + "0000000b" + "0001" + "0011" + "05" + "0000000c" + kvPair7),
                Arguments.of(
                        "pair runs past its kvlist",
                        "0000001d" + "544c0100" + "0000000b" + "0001" + "0011" + "05" + "0000000c" + "00000001" + "0001"
                                + "4b" + "00" + "00000009"),
                Arguments.of(
                        "bytes left after the last pair",
                        "0000001a" + "544c0100" + "0000000b" + "0001" + "0011" + "05" + "00000009" + "00000000"
                                + "0102030405"),
                Arguments.of(
                        "INT of the wrong length",
                        "00000013" + "544c0100" + "0000000a" + "0001" + "0002" + "01" + "00000002" + "0001"),
                Arguments.of(
                        "LONG of the wrong length",
                        "00000015" + "544c0100" + "00000034" + "0001" + "0094" + "02" + "00000004" + "00000001"),
                Arguments.of(
                        "CONNID of the wrong length",
                        "00000015" + "544c0100" + "00000010" + "0001" + "0009" + "06" + "00000004" + "01020304"),
                Arguments.of(
                        "INT pair of the wrong length",
                        "0000001f" + "544c0100" + "0000000b" + "0001" + "0011" + "05" + "0000000e" + "00000001" + "0001"
                                + "4b" + "01" + "00000002" + "0001"),
                Arguments.of(
                        "invalid UTF-8 in a STRING",
                        "00000013" + "544c0100" + "0000000a" + "0001" + "0014" + "03" + "00000002" + "c328"),
                Arguments.of(
                        "invalid UTF-8 in a key",
                        "0000001e" + "544c0100" + "0000000b" + "0001" + "0011" + "05" + "0000000d" + "00000001" + "0002"
                                + "c328" + "00" + "00000000"),
                Arguments.of("kvlist nested deeper than 8", nestedFrame(9)));
    }

    /** A RequestAgentNotReady whose Reasons kvlist (level 1) nests lists down to {@code levels}. */
    static String nestedFrame(int levels) {
        String list = "00000000";
        for (int level = levels; level > 1; level--) {
            String pair = "0001" + "4c" + "03" + String.format("%08x", list.length() / 2) + list;
            list = "00000001" + pair;
        }
        String attribute = "0011" + "05" + String.format("%08x", list.length() / 2) + list;
        String content = "544c0100" + "0000000b" + "0001" + attribute;
        return String.format("%08x", content.length() / 2) + content;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void a_malformed_frame_closes_its_connection_and_no_other(String rule, String hex) throws IOException {
        try (Socket bystander = connect();
                Socket offender = connect()) {
            offender.getOutputStream().write(HEX.parseHex(hex));
            offender.getOutputStream().flush();
            assertThat(offender.getInputStream().read())
                    .as("server closes the connection on: " + rule)
                    .isEqualTo(-1);

            assertThat(pingPong(bystander, 42))
                    .as("the other connection still answers")
                    .isEqualTo(42);
        }
    }

    @ParameterizedTest(name = "nesting {0} levels")
    @MethodSource("allowedDepths")
    void a_kvlist_nested_eight_deep_is_accepted(int levels) throws IOException {
        try (Socket client = connect()) {
            byte[] frame = HEX.parseHex(nestedFrame(levels));
            client.getOutputStream().write(frame);
            byte[] echoed = new DataInputStream(client.getInputStream()).readNBytes(frame.length);
            assertThat(HEX.formatHex(echoed)).isEqualTo(nestedFrame(levels));
        }
    }

    static Stream<Integer> allowedDepths() {
        return Stream.of(1, 8);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static long pingPong(Socket socket, int seq) throws IOException {
        socket.getOutputStream().write(HEX.parseHex("00000008" + "544c0101" + String.format("%08x", seq)));
        InputStream in = socket.getInputStream();
        byte[] pong = new DataInputStream(in).readNBytes(12);
        assertThat(HEX.formatHex(pong, 0, 8)).isEqualTo("00000008544c0102");
        return Long.parseLong(HEX.formatHex(pong, 8, 12), 16);
    }
}
