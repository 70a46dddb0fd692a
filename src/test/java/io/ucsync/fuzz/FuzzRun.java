package io.ucsync.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one target's campaign did: inputs, accepted, refused by reason, the slowest input. An input that makes the
 * target fail in a way other than a refusal is saved under target/fuzz-failures (to be added to the corpus under
 * src/test/resources/fuzz-corpus once fixed) and fails the test with the seed that replays it.
 */
final class FuzzRun {

    private final String target;
    private final Map<String, Long> refusedBy = new TreeMap<>();
    private long inputs;
    private long accepted;
    private long waiting;
    private long slowestNanos;

    FuzzRun(String target) {
        this.target = target;
    }

    void accepted(long startedNanos) {
        inputs++;
        accepted++;
        timed(startedNanos);
    }

    /** Neither read nor refused: the input ends inside a frame, whose rest the reader waits for. */
    void waiting(long startedNanos) {
        inputs++;
        waiting++;
        timed(startedNanos);
    }

    void refused(String reason, long startedNanos) {
        inputs++;
        refusedBy.merge(kind(reason), 1L, Long::sum);
        timed(startedNanos);
    }

    /**
     * Sends one input on a connection (read timeout 1 ms) and reads what comes back: accepted, or refused when the
     * peer closes the connection, which is then closed here too.
     */
    void sendOn(Socket socket, byte[] input, String peer) throws IOException {
        long started = System.nanoTime();
        try {
            socket.getOutputStream().write(input);
            if (closedByPeer(socket)) {
                socket.close();
                refused("connection closed by the " + peer, started);
            } else {
                accepted(started);
            }
        } catch (IOException closedWhileWriting) {
            socket.close();
            refused("connection closed by the " + peer, started);
        }
    }

    private static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException nothingMore) {
            return false;
        }
    }

    /** Saves the input and fails. */
    AssertionError failed(byte[] input, Throwable problem) {
        Path saved = Path.of("target", "fuzz-failures", target + "-" + inputs + ".bin");
        try {
            Files.createDirectories(saved.getParent());
            Files.write(saved, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AssertionError(
                target + ": input " + inputs + " (seed " + Mutator.SEED + ", saved as " + saved + ") made " + problem,
                problem);
    }

    long inputs() {
        return inputs;
    }

    long slowestMillis() {
        return slowestNanos / 1_000_000;
    }

    /**
     * One line for the table of src/main/docs/testing.md "Fuzzing": inputs, accepted, waiting (if any), refusals by
     * reason, slowest input.
     */
    String summary() {
        String reasons = refusedBy.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(6)
                .map(entry -> entry.getValue() + " " + entry.getKey())
                .collect(Collectors.joining("; "));
        return "fuzz " + target + ": " + inputs + " inputs (seed " + Mutator.SEED + "), " + accepted + " accepted, "
                + (waiting > 0 ? waiting + " waiting for the rest of a frame, " : "")
                + (inputs - accepted - waiting) + " refused [" + reasons + "], slowest " + slowestMillis() + " ms";
    }

    private void timed(long startedNanos) {
        slowestNanos = Math.max(slowestNanos, System.nanoTime() - startedNanos);
    }

    /** A refusal's reason without the parts that vary from input to input (numbers, quoted text). */
    private static String kind(String reason) {
        String text = reason == null ? "no reason" : reason;
        text = text.replaceAll("ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message: ", "")
                .replaceAll("'[^']*'|\"[^\"]*\"|\\[[^\\]]*\\]", "_")
                .replaceAll("\\d+", "N");
        return text.length() > 60 ? text.substring(0, 60) : text;
    }
}
