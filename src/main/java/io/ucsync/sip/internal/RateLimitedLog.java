package io.ucsync.sip.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Lines that a peer can make ucsync write as often as it sends something, logged at most once per window for each
 * key (a kind of event and its source): the first at once, the next one after the window with how many were held
 * back meanwhile. The keys kept are bounded; the least recently seen are forgotten first.
 */
public final class RateLimitedLog {

    private static final class Window {
        long start;
        int heldBack;

        Window(long start) {
            this.start = start;
        }
    }

    private final Logger log;
    private final long windowMillis;
    private final Map<String, Window> windows;

    public RateLimitedLog(Logger log, long windowMillis, int maxKeys) {
        this.log = log;
        this.windowMillis = windowMillis;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Logs {@code line} at WARN unless a line of this key was logged less than a window ago. */
    public void warn(String key, String line) {
        int heldBack = admit(key);
        if (heldBack >= 0) {
            log.warn("{}{}", line, suffix(heldBack));
        }
    }

    /** Logs {@code line} at INFO unless a line of this key was logged less than a window ago. */
    public void info(String key, String line) {
        int heldBack = admit(key);
        if (heldBack >= 0) {
            log.info("{}{}", line, suffix(heldBack));
        }
    }

    private String suffix(int heldBack) {
        return heldBack == 0 ? "" : " (and " + heldBack + " more like it since the last such line)";
    }

    /** How many lines of the key were held back since the last one logged, or -1 when this one is held back too. */
    private synchronized int admit(String key) {
        long now = System.currentTimeMillis();
        Window window = windows.get(key);
        if (window == null) {
            windows.put(key, new Window(now));
            return 0;
        }
        if (now - window.start < windowMillis) {
            window.heldBack++;
            return -1;
        }
        int heldBack = window.heldBack;
        window.start = now;
        window.heldBack = 0;
        return heldBack;
    }
}
