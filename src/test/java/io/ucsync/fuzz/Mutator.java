package io.ucsync.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The fuzzing campaign's input generator: valid samples made by the product's own writers, mutated by a seeded
 * random (bit flips, interesting bytes and lengths, deletions, insertions, duplications, truncation, splices of
 * another sample, tokens of the format, long repetitions). A failure prints the seed, and the same seed replays the
 * same inputs.
 */
final class Mutator {

    /**
     * Multiplies every target's CI count: {@code -Dfuzz.scale=50} runs the full campaign (src/main/docs/testing.md
     * "Fuzzing").
     */
    static final int SCALE = Integer.getInteger("fuzz.scale", 1);
    /** The seed of this run: {@code -Dfuzz.seed=N} replays one. */
    static final long SEED = Long.getLong("fuzz.seed", 20261124L);

    private static final byte[] INTERESTING_BYTES = {
        0, -1, 0x7f, (byte) 0x80, '<', '>', '&', '"', ';', ':', '\r', '\n', '%', ']'
    };
    private static final int[] INTERESTING_INTS = {
        0, 1, -1, 3, 4, 5, 0x7f, 0xff, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000
    };
    private static final int MAX_GROWTH = 64 * 1024;

    private final Random random;
    private final List<byte[]> samples;
    private final List<byte[]> tokens;

    /**
     * @param target  names the target, so that each target draws its own inputs from the seed
     * @param samples valid inputs to start from
     * @param tokens  pieces of the format worth inserting (markup, header names, ...)
     */
    Mutator(String target, List<byte[]> samples, List<String> tokens) {
        this.random = new Random(SEED ^ target.hashCode());
        this.samples = samples;
        this.tokens = tokens.stream()
                .map(token -> token.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** The number of inputs for a target whose CI run takes {@code ciCount}. */
    static int inputs(int ciCount) {
        return ciCount * SCALE;
    }

    Random random() {
        return random;
    }

    /** A mutated copy of a random sample. */
    byte[] next() {
        return mutate(samples.get(random.nextInt(samples.size())));
    }

    byte[] mutate(byte[] sample) {
        byte[] data = sample.clone();
        int operations = 1 + random.nextInt(4);
        for (int i = 0; i < operations; i++) {
            data = mutateOnce(data);
        }
        return data;
    }

    private byte[] mutateOnce(byte[] data) {
        if (data.length == 0) {
            return token();
        }
        int at = random.nextInt(data.length);
        switch (random.nextInt(10)) {
            case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> data[at] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
            case 2 -> data = remove(data, at, 1 + random.nextInt(Math.min(64, data.length - at)));
            case 3 -> data = insert(data, at, randomBytes(1 + random.nextInt(32)));
            case 4 -> data = insert(data, at, slice(data));
            case 5 -> data = Arrays.copyOf(data, at);
            case 6 ->
                data = insert(
                        remove(data, at, Math.min(data.length - at, random.nextInt(64))),
                        at,
                        slice(samples.get(random.nextInt(samples.size()))));
            case 7 -> data = insert(data, at, token());
            case 8 -> data = insert(data, at, repeated(slice(data)));
            default ->
                data = overwriteInt(
                        data, at, INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)] + random.nextInt(3) - 1);
        }
        return data;
    }

    private byte[] token() {
        return tokens.isEmpty() ? randomBytes(4) : tokens.get(random.nextInt(tokens.size()));
    }

    private byte[] slice(byte[] data) {
        if (data.length == 0) {
            return data;
        }
        int from = random.nextInt(data.length);
        return Arrays.copyOfRange(data, from, Math.min(data.length, from + 1 + random.nextInt(256)));
    }

    /** Deep nesting, huge attributes and long headers come from one piece repeated many times. */
    private byte[] repeated(byte[] piece) {
        if (piece.length == 0) {
            return piece;
        }
        int times = 1 + random.nextInt(Math.max(1, MAX_GROWTH / piece.length));
        byte[] out = new byte[piece.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(piece, 0, out, i * piece.length, piece.length);
        }
        return out;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] insert(byte[] data, int at, byte[] piece) {
        byte[] out = new byte[data.length + piece.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(data, at, out, at + piece.length, data.length - at);
        return out;
    }

    private static byte[] remove(byte[] data, int at, int length) {
        byte[] out = new byte[data.length - length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(data, at + length, out, at, data.length - at - length);
        return out;
    }

    private static byte[] overwriteInt(byte[] data, int at, int value) {
        for (int i = 0; i < 4 && at + i < data.length; i++) {
            data[at + i] = (byte) (value >>> (24 - 8 * i));
        }
        return data;
    }
}
