package io.ucsync.tlib.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One pair of a {@link KeyValueCollection}. The value is a String (STRING, UNICODE), an Integer (INT),
 * a byte[] (BINARY) or a nested KeyValueCollection (LIST).
 */
public record KeyValuePair(String key, KvType type, Object value) {

    public KeyValuePair {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case STRING, UNICODE -> String.class;
            case INT -> Integer.class;
            case BINARY -> byte[].class;
            case LIST -> KeyValueCollection.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException("a " + type + " pair needs a " + expected.getSimpleName()
                    + " value, not " + value.getClass().getSimpleName());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValuePair pair
                && key.equals(pair.key)
                && type == pair.type
                && (value instanceof byte[] bytes
                        ? pair.value instanceof byte[] b && Arrays.equals(bytes, b)
                        : value.equals(pair.value));
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, type, value instanceof byte[] bytes ? Arrays.hashCode(bytes) : value);
    }

    @Override
    public String toString() {
        String shown = value instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : String.valueOf(value);
        return key + "=" + shown;
    }
}
