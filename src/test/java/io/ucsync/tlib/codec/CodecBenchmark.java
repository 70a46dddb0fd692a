package io.ucsync.tlib.codec;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.ucsync.bench.Bench;
import io.netty.buffer.PooledByteBufAllocator;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

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
 * Encode + decode of a RequestAgentNotReady with Reasons on one thread. A measurement, not a test:
 * {@code mvn -o test -Dtest=CodecBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private TlibMessage notReady;
    private ByteBuf buffer;

    @Setup
    public void setUp() {
        notReady = TlibMessage.create(MessageType.RequestAgentNotReady).referenceId(7).thisDN("5001")
                .agentWorkMode(AgentWorkMode.AuxWork).reasons(new KeyValueCollection().addString("ReasonCode", "Busy"));
        buffer = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    }

    @TearDown
    public void tearDown() {
        buffer.release();
    }

    @Benchmark
    public Object encodeAndDecode() {
        buffer.clear();
        TlwCodec.encode(notReady, buffer);
        return TlwCodec.decode(buffer, TlwCodec.DEFAULT_MAX_FRAME_SIZE);
    }

    @Test
    void run() throws RunnerException {
        for (RunResult result : new Runner(new OptionsBuilder().include(CodecBenchmark.class.getName() + ".encodeAndDecode")
                .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .threads(1).build()).run()) {
            Bench.report("codec.encode-decode", result.getPrimaryResult().getScore(), "messages/s");
        }
    }
}
