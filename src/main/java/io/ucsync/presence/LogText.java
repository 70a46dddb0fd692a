package io.ucsync.presence;

/**
 * Text from the network as it may appear in a log line or an error message: printable ASCII only (anything else
 * becomes '?', so a peer cannot forge log lines or write binary into them) and at most 120 characters.
 */
public final class LogText {

    private static final int MAX_LENGTH = 120;

    private LogText() {}

    public static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder cleaned = new StringBuilder(Math.min(value.length(), MAX_LENGTH + 3));
        for (int i = 0; i < value.length() && cleaned.length() < MAX_LENGTH; i++) {
            char c = value.charAt(i);
            cleaned.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > MAX_LENGTH
                ? cleaned.append("...").toString()
                : cleaned.toString().trim();
    }
}
