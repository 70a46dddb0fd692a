package io.ucsync.tlib.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Encode + decode of a RequestAgentNotReady with Reasons on one thread, twice: through the pipeline a connection has
 * ({@link TlwCodec#install} in an EmbeddedChannel: encoder, streaming decoder, ping answer), and the frame writer and
 * reader alone, which the encoder and the decoder call. The difference is what the pipeline costs per message. A
 * measurement, not a test: {@code mvn -o test -Dtest=CodecBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private TlibMessage notReady;
    private EmbeddedChannel channel;
    private ByteBuf buffer;

    @Setup
    public void setUp() {
        notReady = TlibMessage.create(MessageType.RequestAgentNotReady)
                .referenceId(7)
                .thisDN("5001")
                .agentWorkMode(AgentWorkMode.AuxWork)
                .reasons(new KeyValueCollection().addString("ReasonCode", "Busy"));
        channel = new EmbeddedChannel();
        TlwCodec.install(channel.pipeline(), TlwCodec.DEFAULT_MAX_FRAME_SIZE);
        buffer = channel.alloc().directBuffer(256);
    }

    @TearDown
    public void tearDown() {
        buffer.release();
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public Object pipeline() {
        // one message each way, without the per-call bookkeeping of writeOutbound and writeInbound
        channel.writeOneOutbound(notReady, channel.voidPromise());
        channel.flushOutbound();
        ByteBuf frame = channel.readOutbound();
        channel.writeOneInbound(frame, channel.voidPromise());
        return channel.readInbound();
    }

    @Benchmark
    public Object frameWriterAndReader() {
        buffer.clear();
        TlwFrameWriter.write(notReady, buffer);
        buffer.skipBytes(TlwFormat.LENGTH_FIELD_BYTES);
        return TlwFrameReader.read(buffer);
    }

    @Test
    void run() throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(CodecBenchmark.class.getName() + ".*")
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(1))
                        .threads(1)
                        .build())
                .run();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            System.out.printf(
                    "BENCH tlw-codec-%s %.0f messages/s%n",
                    name, result.getPrimaryResult().getScore());
        }
    }
}
