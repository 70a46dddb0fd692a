package io.ucsync.presence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a {@code multipart/related} body (RFC 2046, RFC 2387) into its parts without copying
 * their content. Accepts CRLF and bare LF line ends; refuses a body without its closing boundary
 * (a truncated message) and more than {@link #MAX_PARTS} parts.
 */
final class MultipartRelated {

    /**
     * A batched subscription answer carries one part per resource plus the rlmi root: 1,001 for a batch of 1,000, the
     * most contacts a Lync user may have (and sip-presence's largest batchSize); more is not a presence document.
     */
    static final int MAX_PARTS = 1001;

    /** One part: its headers of interest and where its content lies in the body. */
    record Part(int index, String contentType, String contentId, int offset, int length) {}

    private MultipartRelated() {}

    static List<Part> split(byte[] body, String boundary) throws PresenceDocumentException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new PresenceDocumentException("multipart/related needs a boundary parameter of 1 to 70 characters");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int position = firstDelimiter(body, delimiter);
        if (position < 0) {
            throw new PresenceDocumentException(
                    "multipart body does not contain its boundary " + LogText.printable(boundary));
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            int afterDelimiter = position + delimiter.length;
            if (startsWith(body, afterDelimiter, "--")) {
                return parts;
            }
            int headersStart = endOfLine(body, afterDelimiter);
            if (headersStart < 0) {
                throw new PresenceDocumentException("multipart body has no closing boundary");
            }
            int next = nextDelimiter(body, delimiter, headersStart);
            if (next < 0) {
                throw new PresenceDocumentException("multipart body has no closing boundary");
            }
            if (parts.size() == MAX_PARTS) {
                throw new PresenceDocumentException("multipart body has more than " + MAX_PARTS + " parts");
            }
            int contentEnd = next > 0 && body[next - 1] == '\r' ? next - 1 : next;
            parts.add(part(parts.size() + 1, body, headersStart, contentEnd));
            position = next;
        }
    }

    /** Content-ID and {@code cid} values compare without their optional angle brackets (MS-SIP sends none). */
    static String bareContentId(String contentId) {
        if (contentId == null) {
            return null;
        }
        String trimmed = contentId.trim();
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).trim();
        }
        return trimmed;
    }

    private static Part part(int index, byte[] body, int start, int end) throws PresenceDocumentException {
        String contentType = null;
        String contentId = null;
        String transferEncoding = null;
        int line = start;
        while (true) {
            int lineEnd = indexOf(body, (byte) '\n', line, end);
            if (lineEnd < 0) {
                throw new PresenceDocumentException("multipart part " + index + " has no blank line after its headers");
            }
            String header = new String(body, line, lineEnd - line, StandardCharsets.ISO_8859_1).strip();
            line = lineEnd + 1;
            if (header.isEmpty()) {
                break;
            }
            // a folded continuation line (RFC 5322 2.2.3) belongs to the header before it
            while (line < end && (body[line] == ' ' || body[line] == '\t')) {
                int continuationEnd = indexOf(body, (byte) '\n', line, end);
                if (continuationEnd < 0) {
                    throw new PresenceDocumentException(
                            "multipart part " + index + " has no blank line after its headers");
                }
                header = header + " "
                        + new String(body, line, continuationEnd - line, StandardCharsets.ISO_8859_1).strip();
                line = continuationEnd + 1;
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new PresenceDocumentException(
                        "multipart part " + index + " has a malformed header line: " + LogText.printable(header));
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-type" -> contentType = value;
                case "content-id" -> contentId = bareContentId(value);
                case "content-transfer-encoding" -> transferEncoding = value.toLowerCase(Locale.ROOT);
                default -> {
                    // other part headers (Content-Length, Content-Description, ...) do not change the content
                }
            }
        }
        if (transferEncoding != null && !List.of("binary", "8bit", "7bit").contains(transferEncoding)) {
            throw new PresenceDocumentException("multipart part " + index
                    + " has unsupported Content-Transfer-Encoding " + LogText.printable(transferEncoding));
        }
        return new Part(index, contentType, contentId, line, Math.max(0, end - line));
    }

    private static int firstDelimiter(byte[] body, byte[] delimiter) {
        return startsWith(body, 0, delimiter) ? 0 : nextDelimiter(body, delimiter, 0);
    }

    /** The index of the next delimiter that starts a line at or after {@code from}, or -1. */
    private static int nextDelimiter(byte[] body, byte[] delimiter, int from) {
        int i = from;
        while (true) {
            int newline = indexOf(body, (byte) '\n', i, body.length);
            if (newline < 0) {
                return -1;
            }
            if (startsWith(body, newline + 1, delimiter)) {
                return newline + 1;
            }
            i = newline + 1;
        }
    }

    /** Skips transport padding after a delimiter and returns the index after its line end, or -1. */
    private static int endOfLine(byte[] body, int from) {
        int newline = indexOf(body, (byte) '\n', from, body.length);
        return newline < 0 ? -1 : newline + 1;
    }

    private static int indexOf(byte[] body, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (body[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] body, int offset, String prefix) {
        return startsWith(body, offset, prefix.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] body, int offset, byte[] prefix) {
        if (offset + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
