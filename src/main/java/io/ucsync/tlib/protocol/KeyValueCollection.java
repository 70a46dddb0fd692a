package io.ucsync.tlib.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered T-Library key-value list (Reasons, UserData, Extensions): keys may repeat, order is kept,
 * lists nest. Lookups by key return the first pair with that key, as T-Library readers do.
 */
public final class KeyValueCollection {

    private final List<KeyValuePair> pairs = new ArrayList<>();

    public KeyValueCollection add(KeyValuePair pair) {
        pairs.add(pair);
        return this;
    }

    public KeyValueCollection addString(String key, String value) {
        return add(new KeyValuePair(key, KvType.STRING, value));
    }

    public KeyValueCollection addUnicode(String key, String value) {
        return add(new KeyValuePair(key, KvType.UNICODE, value));
    }

    public KeyValueCollection addInt(String key, int value) {
        return add(new KeyValuePair(key, KvType.INT, value));
    }

    public KeyValueCollection addList(String key, KeyValueCollection value) {
        return add(new KeyValuePair(key, KvType.LIST, value));
    }

    /** The first STRING or UNICODE value with this key, or null. */
    public String getString(String key) {
        for (KeyValuePair pair : pairs) {
            if (pair.key().equals(key) && (pair.type() == KvType.STRING || pair.type() == KvType.UNICODE)) {
                return (String) pair.value();
            }
        }
        return null;
    }

    /** The first INT value with this key, or null. */
    public Integer getInt(String key) {
        return (Integer) first(key, KvType.INT);
    }

    /** The first nested list with this key, or null. */
    public KeyValueCollection getList(String key) {
        return (KeyValueCollection) first(key, KvType.LIST);
    }

    private Object first(String key, KvType type) {
        for (KeyValuePair pair : pairs) {
            if (pair.key().equals(key) && pair.type() == type) {
                return pair.value();
            }
        }
        return null;
    }

    public List<KeyValuePair> pairs() {
        return Collections.unmodifiableList(pairs);
    }

    public int size() {
        return pairs.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValueCollection collection && pairs.equals(collection.pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return pairs.toString();
    }
}
