package io.ucsync.presence;

import java.util.regex.Pattern;

/**
 * The checks every presence document applies to the two free-form values that leave it: the
 * presentity URI (the key of a worker) and the activity token (an input of the presence map). Both
 * end up in logs and maps, so they must be single-line, bounded and recognisable.
 */
final class PresenceValues {

    /** MS-PRES tokens ({@code on-the-phone}, {@code in-a-meeting}) and RPID element names all fit. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A URI with a scheme and no whitespace or control characters (RFC 3986 never needs them). */
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\p{Cntrl}]{1,2000}");

    private PresenceValues() {}

    /**
     * The presentity URI a document names, or the fallback (the subscribed URI, the rlmi resource)
     * when it names none.
     */
    static String presentityUri(String fromDocument, String fallback, String where) throws PresenceDocumentException {
        String uri = fromDocument == null || fromDocument.isBlank() ? fallback : fromDocument.trim();
        if (uri == null || uri.isBlank()) {
            throw new PresenceDocumentException(where + " names no presentity URI and there is no subscribed URI");
        }
        if (!URI.matcher(uri).matches()) {
            throw new PresenceDocumentException("presentity URI is not a URI: " + LogText.printable(uri));
        }
        return uri;
    }

    static String activityToken(String token) throws PresenceDocumentException {
        if (token == null || token.isBlank()) {
            return null;
        }
        String trimmed = token.trim();
        if (!TOKEN.matcher(trimmed).matches()) {
            throw new PresenceDocumentException(
                    "activity token is not a token (letters, digits, '.', '_', '-', at most 64): "
                            + LogText.printable(trimmed));
        }
        return trimmed;
    }

    /** For writers: the token, or an {@link IllegalArgumentException} naming the rule. */
    static String requireActivityToken(String token) {
        if (token == null) {
            return null;
        }
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException(
                    "activity token is not a token (letters, digits, '.', '_', '-', at most 64): " + token);
        }
        return token;
    }

    /** For writers: the URI, or an {@link IllegalArgumentException} naming the rule. */
    static String requireUri(String uri, String what) {
        if (uri == null || !URI.matcher(uri).matches()) {
            throw new IllegalArgumentException(what + " is not a URI (scheme:..., no whitespace): " + uri);
        }
        return uri;
    }
}
