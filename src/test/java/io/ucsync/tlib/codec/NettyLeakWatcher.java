package io.ucsync.tlib.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's PARANOID leak detector reports a ByteBuf that was never released.
 * Netty reports leaks through its logger when a leaked buffer is collected, so the check collects garbage
 * and lets the detector run once more before it looks.
 */
public final class NettyLeakWatcher extends AbstractAppender implements BeforeAllCallback, AfterAllCallback {

    private final List<String> leaks = new CopyOnWriteArrayList<>();

    public NettyLeakWatcher() {
        super("netty-leaks", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
        String message = event.getMessage().getFormattedMessage();
        if (message.contains("LEAK:")) {
            leaks.add(message);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        start();
        ((Logger) LogManager.getLogger(ResourceLeakDetector.class)).addAppender(this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Allocating and releasing a buffer makes the detector poll its queue of collected, unreleased buffers.
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        ((Logger) LogManager.getLogger(ResourceLeakDetector.class)).removeAppender(this);
        stop();
        assertThat(leaks).as("Netty buffer leaks").isEmpty();
    }
}
