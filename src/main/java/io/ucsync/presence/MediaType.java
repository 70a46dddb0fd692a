package io.ucsync.presence;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed Content-Type header value: {@code type/subtype} in lower case and its parameters (names
 * in lower case, values unquoted). Tolerates the folding whitespace that SIP headers may carry.
 */
record MediaType(String essence, Map<String, String> parameters) {

    /** {@code type/subtype} made of RFC 6838 restricted-name characters. */
    private static final Pattern ESSENCE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");

    static MediaType parse(String headerValue) throws PresenceDocumentException {
        if (headerValue == null || headerValue.isBlank()) {
            throw new PresenceDocumentException("unsupported content type (none)");
        }
        int semicolon = headerValue.indexOf(';');
        String essence = (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        if (!ESSENCE.matcher(essence).matches()) {
            throw new PresenceDocumentException("unsupported content type " + LogText.printable(headerValue));
        }
        Map<String, String> parameters = new HashMap<>();
        int i = semicolon < 0 ? headerValue.length() : semicolon + 1;
        while (i < headerValue.length()) {
            int equals = headerValue.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = headerValue.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            int valueStart = equals + 1;
            while (valueStart < headerValue.length() && Character.isWhitespace(headerValue.charAt(valueStart))) {
                valueStart++;
            }
            String value;
            int next;
            if (valueStart < headerValue.length() && headerValue.charAt(valueStart) == '"') {
                int closingQuote = headerValue.indexOf('"', valueStart + 1);
                if (closingQuote < 0) {
                    throw new PresenceDocumentException("content type parameter " + name + " has no closing quote: "
                            + LogText.printable(headerValue));
                }
                value = headerValue.substring(valueStart + 1, closingQuote);
                int afterQuote = headerValue.indexOf(';', closingQuote);
                next = afterQuote < 0 ? headerValue.length() : afterQuote + 1;
            } else {
                int end = headerValue.indexOf(';', valueStart);
                next = end < 0 ? headerValue.length() : end + 1;
                value = headerValue
                        .substring(valueStart, end < 0 ? headerValue.length() : end)
                        .trim();
            }
            parameters.put(name, value);
            i = next;
        }
        return new MediaType(essence, Map.copyOf(parameters));
    }

    String parameter(String name) {
        return parameters.get(name);
    }
}
