package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.nist.javax.sip.SipStackImpl;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.internal.SipStacks;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import org.junit.jupiter.api.Test;

/** The counters read from a real JAIN-SIP stack and from the kernel, made to lose messages on purpose. */
class SipStackCountersTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void datagramsLeftWaitingBeyondTheCongestionTimeoutAreCountedAsRemovedAndTheRestAsReceived() throws Exception {
        Properties properties = SipStackSettings.builder("counters-" + System.nanoTime())
                .listenerThreads(1)
                .build()
                .toProperties();
        // the auditor's age limit, 8 s by default, shortened so that the test waits one audit round (2 s)
        properties.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "300");
        SipStack stack = new SipStackImpl(properties);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong handled = new AtomicLong();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = FreePorts.pick(LOOPBACK);
            ListeningPoint point = stack.createListeningPoint("127.0.0.1", port, "udp");
            SipProvider provider = stack.createSipProvider(point);
            provider.addSipListener(new BlockingListener(release, handled));
            stack.start();
            assertThat(SipStackCounters.of(stack)).isEqualTo(SipStackCounters.NONE);

            for (int i = 0; i < 20; i++) {
                byte[] options = options(port, client.getLocalPort(), i);
                client.send(new DatagramPacket(options, options.length, LOOPBACK, port));
            }
            // the only stack thread holds the first OPTIONS: the other 19 wait in the queue
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> SipStackCounters.of(stack).queued() == 19);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SipStackCounters.of(stack).removedAsStuck() == 19);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 1);

            SipStackCounters counters = SipStackCounters.of(stack);
            assertThat(counters).isEqualTo(new SipStackCounters(1, 0, 19, 0));
            assertThat(counters.dropped()).isEqualTo(19);
            assertThat(counters.plus(new SipStackCounters(5, 3, 2, 1)).stopped())
                    .isEqualTo(new SipStackCounters(6, 0, 21, 1));
        } finally {
            release.countDown();
            SipStacks.stop(stack);
        }
    }

    @Test
    void datagramsTheKernelDroppedForAFullReceiveBufferAreReadFromProcNetUdp() throws Exception {
        try (DatagramSocket unread = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            unread.setReceiveBufferSize(4096);
            Set<Integer> port = Set.of(unread.getLocalPort());
            assertThat(SipStackCounters.udpReceiveDrops(port)).isZero();
            byte[] datagram = new byte[1000];
            for (int i = 0; i < 200; i++) {
                sender.send(new DatagramPacket(datagram, datagram.length, LOOPBACK, unread.getLocalPort()));
            }
            // nobody reads the socket: most of the 200 find the buffer full
            assertThat(SipStackCounters.udpReceiveDrops(port)).isGreaterThan(150);
            assertThat(SipStackCounters.udpReceiveDrops(Set.of(sender.getLocalPort())))
                    .isZero();
        }
    }

    private static byte[] options(int port, int from, int n) {
        return ("OPTIONS sip:ucsync@127.0.0.1:" + port + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + from + ";branch=z9hG4bK-counters-" + n + "\r\n"
                        + "Max-Forwards: 70\r\n"
                        + "From: <sip:test@127.0.0.1>;tag=" + n + "\r\n"
                        + "To: <sip:ucsync@127.0.0.1>\r\n"
                        + "Call-ID: counters-" + n + "\r\n"
                        + "CSeq: 1 OPTIONS\r\n"
                        + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Holds the stack's thread in the first request until released, as an application that falls behind does. */
    private record BlockingListener(CountDownLatch release, AtomicLong handled) implements SipListener {

        @Override
        public void processRequest(RequestEvent event) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.incrementAndGet();
        }

        @Override
        public void processResponse(ResponseEvent event) {}

        @Override
        public void processTimeout(TimeoutEvent event) {}

        @Override
        public void processIOException(IOExceptionEvent event) {}

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {}

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {}
    }
}
