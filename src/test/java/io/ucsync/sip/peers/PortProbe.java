package io.ucsync.sip.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Tells whether some process listens on a local port, by reading {@code /proc/net/{udp,tcp}} instead of binding
 * or connecting (either would disturb the peer that is starting up).
 */
public final class PortProbe {

    private PortProbe() {}

    /** Whether a UDP socket is bound to the port. */
    public static boolean udpBound(int port) {
        return matches(List.of("/proc/net/udp", "/proc/net/udp6"), port, null);
    }

    /** Whether a TCP socket listens on the port. */
    public static boolean tcpListening(int port) {
        return matches(List.of("/proc/net/tcp", "/proc/net/tcp6"), port, "0A");
    }

    private static boolean matches(List<String> tables, int port, String state) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        for (String table : tables) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3
                            && fields[1].endsWith(hexPort)
                            && (state == null || state.equals(fields[3]))) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // The table does not exist (no IPv6): nothing listens there.
            }
        }
        return false;
    }
}
