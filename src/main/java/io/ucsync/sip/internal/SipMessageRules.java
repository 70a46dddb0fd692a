package io.ucsync.sip.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules of RFC 3261 (section 7 and the grammar of section 25) that JAIN-SIP's parser lets pass, checked on the
 * raw bytes of a message head before it is parsed: the request line is exactly {@code Method SP Request-URI SP
 * SIP-Version} with a token method, a URI with a scheme and no whitespace, and version SIP/2.0; a status line is
 * {@code SIP/2.0 SP 3DIGIT SP Reason-Phrase}; every header line has a token name and a colon (or continues the one
 * before, folded); no control character but HTAB anywhere in the head, which is UTF-8; one Content-Length, a number,
 * within the datagram, and present on a stream (it is the stream's only framing).
 */
public final class SipMessageRules {

    /** RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-.!%*_+`'~]+");

    private static final Pattern VERSION = Pattern.compile("(?i)SIP/[0-9]+\\.[0-9]+");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+\\-.]*");
    private static final Pattern STATUS_CODE = Pattern.compile("[1-6][0-9][0-9]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    /** One header, unfolded: its name as written and its value. */
    public record Header(String name, String value) {

        /** Whether this is the header of that name or compact form (RFC 3261 7.3.3), case-insensitively. */
        boolean is(String fullName, String compactName) {
            return name.equalsIgnoreCase(fullName) || compactName != null && name.equalsIgnoreCase(compactName);
        }
    }

    /**
     * A message head that keeps the rules.
     *
     * @param firstLine     the request or status line
     * @param request       whether it is a request
     * @param headers       the header lines, unfolded, in order
     * @param bodyOffset    where the body starts in the bytes checked
     * @param contentLength the Content-Length, or -1 when there is none
     */
    public record Head(String firstLine, boolean request, List<Header> headers, int bodyOffset, int contentLength) {

        /** The values of a header, by full and compact name (null for none), in order. */
        public List<String> values(String fullName, String compactName) {
            return headers.stream()
                    .filter(h -> h.is(fullName, compactName))
                    .map(Header::value)
                    .toList();
        }
    }

    /**
     * What the rules say of a message: nothing to read (only CRLFs, a keep-alive), a head that keeps them, or a
     * refusal with the head as far as it could be read (null when not even the lines could be).
     */
    public record Verdict(Head head, Refusal refusal) {

        public boolean keepAlive() {
            return head == null && refusal == null;
        }
    }

    private SipMessageRules() {}

    /**
     * Checks a message: over a datagram the whole message, over a stream its head up to and including the empty
     * line (the stack reads the body itself, by the Content-Length). A refused message comes with its head as far as
     * it could be read, so that the refusal can still be answered and a stream's framing kept.
     */
    public static Verdict check(byte[] bytes, boolean stream) {
        int start = 0;
        while (start < bytes.length && (bytes[start] == '\r' || bytes[start] == '\n')) {
            start++; // CRLFs before the start line are ignored (RFC 3261 7.5), a keep-alive is nothing else
        }
        if (start == bytes.length) {
            return new Verdict(null, null);
        }
        List<String> lines = new ArrayList<>();
        Refusal unreadable = null;
        int bodyOffset = -1;
        int position = start;
        while (position < bytes.length) {
            int lineFeed = position;
            while (lineFeed < bytes.length && bytes[lineFeed] != '\n') {
                lineFeed++;
            }
            int end = lineFeed > position && bytes[lineFeed - 1] == '\r' && lineFeed < bytes.length
                    ? lineFeed - 1
                    : lineFeed;
            if (end == position && lineFeed < bytes.length) {
                bodyOffset = lineFeed + 1;
                break;
            }
            if (unreadable == null) {
                unreadable = readable(bytes, position, end);
            }
            lines.add(new String(bytes, position, end - position, StandardCharsets.UTF_8));
            position = lineFeed + 1;
        }
        boolean request = !lines.get(0).regionMatches(true, 0, "SIP/", 0, 4);
        Refusal firstLine = request ? requestLine(lines.get(0)) : statusLine(lines.get(0));
        List<Header> headers = new ArrayList<>();
        Refusal headerLines = headers(lines, headers);
        List<String> lengths = headers.stream()
                .filter(h -> h.is("Content-Length", "l"))
                .map(Header::value)
                .toList();
        Refusal framing = bodyOffset < 0
                ? Refusal.badRequest(
                        "end-of-headers", "No Empty Line After The Headers", "the head does not end with an empty line")
                : contentLength(lengths, stream);
        int contentLength = framing == null && !lengths.isEmpty()
                ? Integer.parseInt(lengths.get(0).strip())
                : -1;
        Head head = new Head(lines.get(0), request, headers, bodyOffset, contentLength);
        Refusal refusal = unreadable != null
                ? unreadable
                : firstLine != null ? firstLine : headerLines != null ? headerLines : framing;
        if (refusal == null && !stream && contentLength > bytes.length - bodyOffset) {
            refusal = Refusal.badRequest(
                    "content-length",
                    "Bad Content-Length",
                    "Content-Length " + contentLength + " is larger than the body of " + (bytes.length - bodyOffset)
                            + " bytes");
        }
        return new Verdict(head, refusal);
    }

    /** One Content-Length, a number of bytes; on a stream it must be there, it is the only framing. */
    private static Refusal contentLength(List<String> lengths, boolean stream) {
        if (lengths.size() > 1) {
            return Refusal.badRequest(
                    "content-length", "Bad Content-Length", lengths.size() + " Content-Length values");
        }
        if (lengths.isEmpty()) {
            return stream
                    ? Refusal.badRequest(
                            "content-length",
                            "Content-Length Required",
                            "no Content-Length on a stream, where it is the only framing")
                    : null;
        }
        String length = lengths.get(0).strip();
        if (!DIGITS.matcher(length).matches() || Long.parseLong(length) > Integer.MAX_VALUE) {
            return Refusal.badRequest(
                    "content-length", "Bad Content-Length", "Content-Length is not a number of bytes");
        }
        return null;
    }

    /** No control character but HTAB (a NUL, a lone CR, ...) and UTF-8: RFC 3261 25.1 TEXT-UTF8 and LWS. */
    private static Refusal readable(byte[] bytes, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                return Refusal.badRequest(
                        "control-character",
                        "Control Character In Message",
                        String.format(Locale.ROOT, "control character 0x%02X in the head", b));
            }
            ascii &= b < 0x80;
        }
        if (ascii) {
            return null;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from));
            return null;
        } catch (CharacterCodingException e) {
            return Refusal.badRequest("utf-8", "Not UTF-8", "the head is not UTF-8");
        }
    }

    private static Refusal requestLine(String line) {
        if (line.contains("\t") || line.contains("  ") || line.startsWith(" ")) {
            return Refusal.badRequest(
                    "request-line", "Bad Request Line", "more than one space between request-line elements");
        }
        if (line.endsWith(" ")) {
            return Refusal.badRequest("request-line", "Bad Request Line", "space at the end of the request line");
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            return Refusal.badRequest(
                    "request-line",
                    "Bad Request Line",
                    parts.length > 3
                            ? "whitespace inside the Request-URI"
                            : "not Method SP Request-URI SP SIP-Version");
        }
        if (!TOKEN.matcher(parts[0]).matches()) {
            return Refusal.badRequest("request-line", "Bad Request Line", "the method is not a token");
        }
        if (!VERSION.matcher(parts[2]).matches()) {
            return Refusal.badRequest(
                    "request-line", "Bad Request Line", "no SIP-Version at the end of the request line");
        }
        if (!parts[2].equalsIgnoreCase("SIP/2.0")) {
            return new Refusal("version", 505, "Version Not Supported", "SIP version " + parts[2]);
        }
        String uri = parts[1];
        int colon = uri.indexOf(':');
        if (uri.startsWith("<")
                || uri.endsWith(">")
                || colon < 1
                || !SCHEME.matcher(uri.substring(0, colon)).matches()) {
            return Refusal.badRequest("request-uri", "Bad Request-URI", "the Request-URI is not scheme:...");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return new Refusal("uri-scheme", 416, "Unsupported URI Scheme", "Request-URI scheme " + scheme);
        }
        return null;
    }

    private static Refusal statusLine(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 3
                || !parts[0].equalsIgnoreCase("SIP/2.0")
                || !STATUS_CODE.matcher(parts[1]).matches()) {
            return Refusal.badRequest("status-line", "Bad Status Line", "not SIP/2.0 SP Status-Code SP Reason-Phrase");
        }
        return null;
    }

    /**
     * Unfolds the header lines into {@code headers}; each needs a token name and a colon (HCOLON). A line that breaks
     * the rule is refused and left out, and the others are still read.
     */
    private static Refusal headers(List<String> lines, List<Header> headers) {
        Refusal refusal = null;
        for (String line : lines.subList(1, lines.size())) {
            Refusal broken = null;
            if (line.startsWith(" ") || line.startsWith("\t")) {
                if (headers.isEmpty()) {
                    broken = Refusal.badRequest("header-line", "Bad Header Line", "a folded line before any header");
                } else {
                    Header last = headers.remove(headers.size() - 1);
                    headers.add(new Header(last.name(), last.value() + " " + line.strip()));
                }
            } else {
                int colon = line.indexOf(':');
                String name = colon < 0 ? null : line.substring(0, colon).stripTrailing();
                if (name == null) {
                    broken = Refusal.badRequest("header-line", "Bad Header Line", "a header line without a colon");
                } else if (!TOKEN.matcher(name).matches()) {
                    broken = Refusal.badRequest("header-line", "Bad Header Line", "a header name that is not a token");
                } else {
                    headers.add(new Header(name, line.substring(colon + 1).strip()));
                }
            }
            refusal = refusal != null ? refusal : broken;
        }
        return refusal;
    }
}
