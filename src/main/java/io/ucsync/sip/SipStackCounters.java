package io.ucsync.sip;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.stack.BlockingQueueDispatchAuditor;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import io.ucsync.sip.internal.FrontDoorValve;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import javax.sip.SipStack;

/**
 * What a JAIN-SIP stack received, holds and lost, for metrics and benchmarks: a stack that keeps up loses nothing.
 * <ul>
 * <li>{@code received}: messages that reached the stack's processing (counted by the front door valve).</li>
 * <li>{@code queued}: datagrams read from a UDP socket that no stack thread has taken yet (the processor's unbounded
 * queue), now.</li>
 * <li>{@code removedAsStuck}: datagrams the stack threw away unread because they waited in that queue longer than
 * its congestion timeout (8 s): JAIN-SIP's "Removed stuck messages" warning, from its BlockingQueueDispatchAuditor.</li>
 * <li>{@code udpReceiveDrops}: datagrams the kernel dropped because the socket's receive buffer was full, before the
 * stack could read them (the {@code drops} column of Linux's /proc/net/udp and udp6; 0 elsewhere).</li>
 * </ul>
 * JAIN-SIP 1.3.0-91 keeps its queue and the auditor's count to itself; they are read by reflection, and the class
 * fails to load if an upgrade moves them (SipStackCountersTest).
 */
public record SipStackCounters(long received, long queued, long removedAsStuck, long udpReceiveDrops) {

    /** Nothing received, queued or lost. */
    public static final SipStackCounters NONE = new SipStackCounters(0, 0, 0, 0);

    private static final Field MESSAGE_QUEUE = readable(UDPMessageProcessor.class, "messageQueue");
    private static final Field CONGESTION_AUDITOR = readable(UDPMessageProcessor.class, "congestionAuditor");
    private static final Field TOTAL_REJECT = readable(BlockingQueueDispatchAuditor.class, "totalReject");
    private static final List<Path> PROC_NET_UDP = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    /** The messages the stack lost: removed as stuck, or dropped by the kernel before it read them. */
    public long dropped() {
        return removedAsStuck + udpReceiveDrops;
    }

    /**
     * These counts after {@code earlier}, which a stack that no longer runs left (the queue is this stack's alone):
     * what an agent that restarts its stack has counted since it was created.
     */
    public SipStackCounters plus(SipStackCounters earlier) {
        return new SipStackCounters(
                received + earlier.received,
                queued,
                removedAsStuck + earlier.removedAsStuck,
                udpReceiveDrops + earlier.udpReceiveDrops);
    }

    /** What a stack leaves when it stops: its counts, and no queue any more. */
    public SipStackCounters stopped() {
        return new SipStackCounters(received, 0, removedAsStuck, udpReceiveDrops);
    }

    /** The counts of a running stack made by {@link SipStackSettings}. */
    public static SipStackCounters of(SipStack stack) {
        long received = 0;
        for (SIPMessageValve valve : ((SIPTransactionStack) stack).sipMessageValves) {
            if (valve instanceof FrontDoorValve frontDoor) {
                received += frontDoor.passed();
            }
        }
        long queued = 0;
        long removed = 0;
        Set<Integer> udpPorts = new HashSet<>();
        for (Iterator<?> points = stack.getListeningPoints(); points.hasNext(); ) {
            MessageProcessor processor = ((ListeningPointImpl) points.next()).getMessageProcessor();
            if (processor instanceof UDPMessageProcessor udp) {
                udpPorts.add(udp.getPort());
                queued += ((Queue<?>) get(MESSAGE_QUEUE, udp)).size();
                Object auditor = get(CONGESTION_AUDITOR, udp);
                if (auditor != null) {
                    removed += (long) get(TOTAL_REJECT, auditor);
                }
            }
        }
        return new SipStackCounters(received, queued, removed, udpReceiveDrops(udpPorts));
    }

    /**
     * The kernel's receive drops of the UDP sockets bound to these local ports. Each line of /proc/net/udp reads
     * {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops},
     * the address as hex {@code ADDRESS:PORT}.
     */
    static long udpReceiveDrops(Set<Integer> ports) {
        if (ports.isEmpty()) {
            return 0;
        }
        long drops = 0;
        for (Path table : PROC_NET_UDP) {
            List<String> lines;
            try {
                lines = Files.exists(table) ? Files.readAllLines(table) : List.of();
            } catch (IOException e) {
                continue; // not Linux, or not readable: the kernel's count is unknown, and reported as none
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length < 13) {
                    continue;
                }
                String local = columns[1];
                int port =
                        Integer.parseInt(local.substring(local.indexOf(':') + 1).toLowerCase(Locale.ROOT), 16);
                if (ports.contains(port)) {
                    drops += Long.parseLong(columns[columns.length - 1]);
                }
            }
        }
        return drops;
    }

    private static Field readable(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("JAIN-SIP " + type.getName() + " has no field " + name
                    + " any more: SipStackCounters must be adapted to this JAIN-SIP version");
        }
    }

    private static Object get(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }
}
