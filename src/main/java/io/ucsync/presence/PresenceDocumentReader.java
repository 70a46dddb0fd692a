package io.ucsync.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the presence documents that arrive in NOTIFY, BENOTIFY and piggybacked SUBSCRIBE answers
 * into {@link Presence} values, one per presentity:
 * <ul>
 *   <li>{@value MsPresCategoriesDocument#CONTENT_TYPE}: MS-PRES categories (rules in {@link MsPresCategoriesDocument});</li>
 *   <li>{@value PidfDocument#CONTENT_TYPE}: PIDF with RPID (rules in {@link PidfDocument});</li>
 *   <li>{@code multipart/related} with an {@code application/rlmi+xml} root (RFC 4662, MS-SIP 3.3.5.1):
 *       every categories or PIDF part, its presentity from the part itself or else from the rlmi
 *       resource that references the part's Content-ID; parts of other types are skipped;</li>
 *   <li>{@code application/rlmi+xml} alone: a list without states, so no presence.</li>
 * </ul>
 * An empty body is no presence (Kamailio's first NOTIFY has none), and so is a categories document
 * without a {@code state} category. Everything else is refused with a {@link PresenceDocumentException}
 * whose reason names the rule; the XML rules are those of {@link SafeXml}.
 *
 * <p>Thread-safe: one reader serves every SIP thread.
 */
public final class PresenceDocumentReader {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceDocumentReader.class);

    private final SafeXml xml;

    /** A reader with the default limits: bodies up to 256 KiB, elements nested up to 32 deep. */
    public PresenceDocumentReader() {
        this(SafeXml.DEFAULT_MAX_BODY_BYTES, SafeXml.DEFAULT_MAX_DEPTH);
    }

    public PresenceDocumentReader(int maxBodyBytes, int maxDepth) {
        this.xml = new SafeXml(maxBodyBytes, maxDepth);
    }

    /**
     * One presence per resource or presentity found in the body.
     *
     * @param contentType   the full Content-Type header value, parameters (such as the multipart boundary) included;
     *                      may be null when the body is empty
     * @param body          the message body; null or empty means no presence
     * @param subscribedUri the URI subscribed to, used when a document names no presentity; may be null
     * @param receivedAt    when the message arrived, the publish time of documents that carry none
     */
    public List<Presence> read(String contentType, byte[] body, String subscribedUri, Instant receivedAt)
            throws PresenceDocumentException {
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (body == null) {
            return List.of();
        }
        xml.checkSize(body.length);
        if (isBlank(body)) {
            return List.of();
        }
        MediaType type = MediaType.parse(contentType);
        return switch (type.essence()) {
            case MsPresCategoriesDocument.CONTENT_TYPE ->
                MsPresCategoriesDocument.read(xml.parse(body), subscribedUri, receivedAt)
                        .map(List::of)
                        .orElse(List.of());
            case PidfDocument.CONTENT_TYPE -> List.of(PidfDocument.read(xml.parse(body), subscribedUri, receivedAt));
            case RlmiDocument.CONTENT_TYPE -> {
                RlmiDocument.resourceUrisByContentId(xml.parse(body));
                yield List.of();
            }
            case "multipart/related" -> readMultipart(type, body, subscribedUri, receivedAt);
            default ->
                throw new PresenceDocumentException("unsupported content type " + LogText.printable(contentType));
        };
    }

    private List<Presence> readMultipart(MediaType type, byte[] body, String subscribedUri, Instant receivedAt)
            throws PresenceDocumentException {
        List<MultipartRelated.Part> parts = MultipartRelated.split(body, type.parameter("boundary"));
        MultipartRelated.Part root = rootPart(parts, MultipartRelated.bareContentId(type.parameter("start")));
        String rootType = root.contentType() == null
                ? "(none)"
                : MediaType.parse(root.contentType()).essence();
        if (!rootType.equals(RlmiDocument.CONTENT_TYPE)) {
            throw new PresenceDocumentException("multipart/related root part is " + LogText.printable(rootType)
                    + ", expected " + RlmiDocument.CONTENT_TYPE);
        }
        Map<String, String> resourceUris;
        try {
            resourceUris = RlmiDocument.resourceUrisByContentId(xml.parse(body, root.offset(), root.length()));
        } catch (PresenceDocumentException e) {
            throw new PresenceDocumentException("multipart root part " + root.index() + ": " + e.reason());
        }

        List<Presence> presences = new ArrayList<>();
        for (MultipartRelated.Part part : parts) {
            if (part == root) {
                continue;
            }
            try {
                readPart(part, body, resourceUris, subscribedUri, receivedAt, presences);
            } catch (PresenceDocumentException e) {
                throw new PresenceDocumentException("multipart part " + part.index() + ": " + e.reason());
            }
        }
        return presences;
    }

    /** Adds the presence of one part; a batch with a bad part is refused whole, as any malformed message. */
    private void readPart(
            MultipartRelated.Part part,
            byte[] body,
            Map<String, String> resourceUris,
            String subscribedUri,
            Instant receivedAt,
            List<Presence> presences)
            throws PresenceDocumentException {
        String partType = part.contentType() == null
                ? "(none)"
                : MediaType.parse(part.contentType()).essence();
        String resourceUri = part.contentId() == null ? null : resourceUris.get(part.contentId());
        String fallbackUri = resourceUri != null ? resourceUri : subscribedUri;
        switch (partType) {
            case MsPresCategoriesDocument.CONTENT_TYPE ->
                MsPresCategoriesDocument.read(xml.parse(body, part.offset(), part.length()), fallbackUri, receivedAt)
                        .ifPresent(presences::add);
            case PidfDocument.CONTENT_TYPE ->
                presences.add(
                        PidfDocument.read(xml.parse(body, part.offset(), part.length()), fallbackUri, receivedAt));
            default ->
                LOG.debug("multipart part {} of type {} skipped: not a presence document", part.index(), partType);
        }
    }

    private static MultipartRelated.Part rootPart(List<MultipartRelated.Part> parts, String start)
            throws PresenceDocumentException {
        if (parts.isEmpty()) {
            throw new PresenceDocumentException("multipart body has no parts");
        }
        if (start == null || start.isEmpty()) {
            return parts.get(0);
        }
        for (MultipartRelated.Part part : parts) {
            if (start.equals(part.contentId())) {
                return part;
            }
        }
        throw new PresenceDocumentException("multipart start part " + LogText.printable(start) + " not found");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
