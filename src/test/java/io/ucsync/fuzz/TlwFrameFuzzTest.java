package io.ucsync.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.codec.EmbeddedTlwCodec;
import io.ucsync.tlib.codec.NettyLeakWatcher;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.codec.TlwDecoder;
import io.ucsync.tlib.codec.TlwViolation;
import io.ucsync.tlib.link.InjectingProxy;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLW/1 frames, encoded by the codec and mutated, into the three readers of the wire: the codec's own pipeline
 * ({@link TlwCodec#install} in an EmbeddedChannel, the bytes written whole and again in random-sized chunks), the
 * T-Server emulator over TCP, and the link (through a proxy that slips mutated frames among the emulator's answers).
 * Each input is read, or waits for the rest of a frame, or is refused: the channel closes after one log line naming
 * the rule. A server or link that meets a bad frame closes only that connection; afterwards the emulator still serves
 * a well-formed client, and the link comes back up and logs an agent in. Netty's PARANOID leak detector watches it all.
 */
class TlwFrameFuzzTest {

    @RegisterExtension
    static final NettyLeakWatcher LEAKS = new NettyLeakWatcher();

    private static final int MAX_FRAME = TlwCodec.DEFAULT_MAX_FRAME_SIZE;
    /** Chunks per input at most, when an input is written again in pieces. */
    private static final int MAX_CHUNKS = 16;

    private static List<byte[]> samples() {
        List<Object> frames = List.of(
                TlibMessage.create(MessageType.RequestRegisterClient)
                        .referenceId(1)
                        .applicationName("fuzz")
                        .protocolVersion("TLW/1")
                        .extensions(new KeyValueCollection().addInt("keepalive-remote-timeout", 10)),
                TlibMessage.create(MessageType.RequestRegisterAddress)
                        .referenceId(2)
                        .thisDN("5001"),
                TlibMessage.create(MessageType.RequestAgentLogin)
                        .referenceId(3)
                        .thisDN("5001")
                        .agentId("agent01")
                        .password("pw1")
                        .agentWorkMode(AgentWorkMode.ManualIn)
                        .reasonCode(null),
                TlibMessage.create(MessageType.RequestAgentNotReady)
                        .referenceId(4)
                        .thisDN("5001")
                        .agentWorkMode(AgentWorkMode.AuxWork)
                        .reasons(new KeyValueCollection()
                                .addString(TlibMessage.REASON_CODE_KEY, "Busy")
                                .addList("nested", new KeyValueCollection().addInt("depth", 2))),
                TlibMessage.create(MessageType.EventAgentReady).referenceId(4).thisDN("5001"),
                KeepAliveFrame.ping(7),
                KeepAliveFrame.pong(7));
        try (EmbeddedTlwCodec codec = new EmbeddedTlwCodec()) {
            return frames.stream().map(codec::encode).toList();
        }
    }

    private static Mutator mutator(String target) {
        return new Mutator(target, samples(), List.of());
    }

    @Test
    void theCodecPipelineReadsEveryMutatedInputAlikeWholeOrInChunksAndWritesBackWhatItRead() {
        Mutator mutator = mutator("tlw-codec");
        // its own generator, so that the inputs stay those of the seed
        Random chunking = new Random(Mutator.SEED ^ "tlw-codec-chunks".hashCode());
        FuzzRun run = new FuzzRun("tlw-codec");
        int inputs = Mutator.inputs(20_000);
        try (RefusalLog refusals = new RefusalLog()) {
            for (int i = 0; i < inputs; i++) {
                byte[] input = mutator.next();
                try {
                    // timed: the input read whole; then, untimed, the checks
                    long started = System.nanoTime();
                    Outcome whole = CodecChannel.read(input, new int[] {input.length}, refusals, null);
                    List<Integer> frameEnds = frameEnds(input, whole.frames().size());
                    if (whole.refusal() != null) {
                        run.refused(whole.refusal(), started);
                    } else if ((frameEnds.isEmpty() ? 0 : frameEnds.get(frameEnds.size() - 1)) == input.length) {
                        run.accepted(started);
                    } else {
                        run.waiting(started);
                    }
                    Outcome chunked = CodecChannel.read(input, cuts(chunking, input.length), refusals, frameEnds);
                    assertThat(chunked)
                            .as("the input in chunks, against the input whole")
                            .isEqualTo(whole);
                    whole.frames().forEach(frame -> assertWritesBack(frame, refusals));
                } catch (RuntimeException | AssertionError | StackOverflowError e) {
                    throw run.failed(input, e);
                }
            }
        }
        System.out.println(run.summary());
        assertThat(run.inputs()).isEqualTo(inputs);
    }

    /** Where each of the first {@code count} frames of the input ends: its length field says. */
    private static List<Integer> frameEnds(byte[] input, int count) {
        List<Integer> ends = new ArrayList<>();
        int end = 0;
        for (int i = 0; i < count; i++) {
            end += 4 + (int) ByteBuffer.wrap(input, end, 4).getInt();
            ends.add(end);
        }
        return ends;
    }

    /** Up to {@value #MAX_CHUNKS} chunks of random sizes: the ascending offsets where each chunk ends. */
    private static int[] cuts(Random random, int length) {
        if (length < 2) {
            return new int[] {length};
        }
        int chunks = 2 + random.nextInt(Math.min(MAX_CHUNKS, length) - 1);
        return IntStream.concat(random.ints(chunks - 1, 1, length).distinct(), IntStream.of(length))
                .sorted()
                .toArray();
    }

    /** A frame that was read is written by the pipeline's encoder and read back as the same frame. */
    private static void assertWritesBack(Object frame, RefusalLog refusals) {
        EmbeddedChannel encoder = new EmbeddedChannel();
        TlwCodec.install(encoder.pipeline(), MAX_FRAME);
        encoder.writeOutbound(frame);
        ByteBuf written = encoder.readOutbound();
        byte[] bytes = new byte[written.readableBytes()];
        written.readBytes(bytes);
        written.release();
        encoder.finishAndReleaseAll();
        Outcome again = CodecChannel.read(bytes, new int[] {bytes.length}, refusals, null);
        assertThat(again).as("%s written and read again", frame).isEqualTo(new Outcome(List.of(frame), null));
    }

    /** What the pipeline made of an input: the frames it read, in order, and the rule it closed the channel on, or null. */
    private record Outcome(List<Object> frames, String refusal) {}

    /**
     * The connection's pipeline as the emulator and the link install it, in an EmbeddedChannel, with a handler right
     * after the decoder that notes every frame it passes on (PINGs and PONGs stop at the ping answer).
     */
    private static final class CodecChannel {

        /**
         * Writes the input in the chunks that end at {@code cuts}, one channel read each, and stops at a close. With
         * {@code frameEnds}, checks after each chunk that exactly the frames it completed came out: none for a part.
         */
        static Outcome read(byte[] input, int[] cuts, RefusalLog refusals, List<Integer> frameEnds) {
            List<Object> frames = new ArrayList<>();
            EmbeddedChannel channel = new EmbeddedChannel();
            TlwCodec.install(channel.pipeline(), MAX_FRAME);
            channel.pipeline().addAfter(TlwCodec.DECODER_NAME, "frames", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object frame) {
                    frames.add(frame);
                    ctx.fireChannelRead(frame);
                }
            });
            refusals.clear();
            int from = 0;
            for (int cut : cuts) {
                channel.writeInbound(channel.alloc().buffer(cut - from).writeBytes(input, from, cut - from));
                channel.releaseInbound();
                channel.releaseOutbound();
                from = cut;
                if (!channel.isOpen()) {
                    break;
                }
                if (frameEnds != null) {
                    int completed = cut;
                    assertThat(frames)
                            .as("frames out after %d of %d bytes", cut, input.length)
                            .hasSize((int) frameEnds.stream()
                                    .filter(end -> end <= completed)
                                    .count());
                }
            }
            String refusal = refusals.last();
            assertThat(refusal != null)
                    .as("a rule logged (%s), and only when the channel closed", refusal)
                    .isEqualTo(!channel.isOpen());
            channel.finishAndReleaseAll();
            return new Outcome(frames, refusal);
        }
    }

    /**
     * The decoder's WARN lines on closing a channel, kept out of the build's log (the campaign closes channels by the
     * ten thousand). The campaign's thread is the only one that writes to embedded channels.
     */
    private static final class RefusalLog extends AbstractAppender implements AutoCloseable {

        private static final String LOGGER = TlwDecoder.class.getName();
        private static final String PREFIX = "closing TLW/1 connection from embedded: ";
        private final List<String> lines = new ArrayList<>();

        RefusalLog() {
            super("tlw-refusals", null, null, true, Property.EMPTY_ARRAY);
            start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LoggerConfig logger = new LoggerConfig(LOGGER, Level.WARN, false);
            logger.addAppender(this, Level.WARN, null);
            context.getConfiguration().addLogger(LOGGER, logger);
            context.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
        }

        void clear() {
            lines.clear();
        }

        /** The reason (rule and detail) of the one line since {@link #clear}, checked to name a rule; null without. */
        String last() {
            if (lines.isEmpty()) {
                return null;
            }
            assertThat(lines).as("lines logged for one channel").hasSize(1);
            String line = lines.get(0);
            assertThat(line).as("the decoder's line on closing").startsWith(PREFIX);
            String reason = line.substring(PREFIX.length());
            assertThat(Stream.of(TlwViolation.values()).map(TlwViolation::rule))
                    .as("a rule named in: %s", line)
                    .anyMatch(rule -> reason.startsWith(rule + ": "));
            return reason;
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().removeLogger(LOGGER);
            context.updateLoggers();
            stop();
        }
    }

    @Test
    void theEmulatorClosesOnlyTheConnectionThatSentABadFrameAndServesAGoodClientAfterwards() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001", "5002"))
                .agents(Map.of("agent01", "pw1"))
                .build())) {
            Mutator mutator = mutator("tlw-emulator");
            FuzzRun run = new FuzzRun("tlw-emulator");
            int inputs = Mutator.inputs(5_000);
            int threadsBefore = Thread.activeCount();
            Socket socket = null;
            for (int i = 0; i < inputs; i++) {
                if (socket == null || socket.isClosed()) {
                    socket = new Socket(InetAddress.getLoopbackAddress(), emulator.port());
                    socket.setSoTimeout(1);
                }
                run.sendOn(socket, mutator.next(), "emulator");
            }
            if (socket != null) {
                socket.close();
            }
            System.out.println(run.summary());
            assertThat(run.inputs()).isEqualTo(inputs);
            assertLinkLogsAnAgentIn(emulator.port());
            assertThat(Thread.activeCount()).as("threads after the campaign").isLessThanOrEqualTo(threadsBefore + 2);
        }
    }

    @Test
    void theLinkDropsAConnectionThatSendsItABadFrameAndComesBackUp() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(List.of("5001"))
                        .agents(Map.of("agent01", "pw1"))
                        .build());
                InjectingProxy proxy = new InjectingProxy(emulator.port())) {
            // one mutated frame after each chunk the emulator sends, so it arrives in the middle of a conversation
            Mutator mutator = mutator("tlw-link");
            proxy.injectAfterEachChunk(() -> {
                synchronized (mutator) {
                    return mutator.next();
                }
            });
            TServerLink link = new TServerLink(
                    "fuzzed",
                    TServerLinkConfig.builder()
                            .endpoints("127.0.0.1:" + proxy.port())
                            .reconnectDelay(Duration.ofMillis(1))
                            .reconnectMaxDelay(Duration.ofMillis(20))
                            .requestTimeout(Duration.ofMillis(300))
                            .build(),
                    null);
            link.register("5001");
            link.start();
            // a frame that leaves the link waiting for the rest of itself costs a request timeout: the link's share of
            // the campaign grows at most tenfold
            int inputs = 150 * Math.min(Mutator.SCALE, 10);
            try {
                await().atMost(Duration.ofMinutes(10)).until(() -> proxy.injected() >= inputs);
                proxy.stopInjecting();
                // The last mutated frame may be cut short: the link would then take the emulator's next answers for
                // its rest until their bytes make it whole (or break a rule), or until two keep-alive timeouts pass
                // without a whole frame, and requests would time out meanwhile. The check after the campaign is on a
                // connection of its own.
                int before = proxy.connections();
                proxy.dropConnections();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> proxy.connections() > before && link.state() == LinkState.UP);
                TlibMessage answer = link.request(TlibMessage.create(MessageType.RequestAgentLogin)
                                .thisDN("5001")
                                .agentId("agent01")
                                .password("pw1")
                                .agentWorkMode(AgentWorkMode.ManualIn)
                                .reasonCode(null))
                        .get(5, TimeUnit.SECONDS);
                assertThat(answer.type()).isEqualTo(MessageType.EventAgentLogin);
            } finally {
                link.close();
            }
            System.out.println("fuzz tlw-link: " + proxy.injected() + " mutated frames (seed " + Mutator.SEED
                    + ") among the emulator's answers over " + proxy.connections() + " connections of the link");
        }
    }

    private static void assertLinkLogsAnAgentIn(int port) throws Exception {
        TServerLink link = new TServerLink(
                "after-fuzz",
                TServerLinkConfig.builder().endpoints("127.0.0.1:" + port).build(),
                null);
        try {
            link.register("5001");
            link.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
            CompletableFuture<TlibMessage> login = link.request(TlibMessage.create(MessageType.RequestAgentLogin)
                    .thisDN("5001")
                    .agentId("agent01")
                    .password("pw1")
                    .agentWorkMode(AgentWorkMode.ManualIn)
                    .reasonCode(null));
            assertThat(login.get(5, TimeUnit.SECONDS).type()).isEqualTo(MessageType.EventAgentLogin);
        } finally {
            link.close();
        }
    }
}
