package io.ucsync.presence;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MS-PRES categories document ({@code application/msrtc-event-categories+xml}, MS-PRES 2.2.2.7,
 * 4.4.3): what a Lync / Skype for Business front end sends in NOTIFY, BENOTIFY and piggybacked
 * SUBSCRIBE answers. Reading turns its {@code state} category instances into one {@link Presence};
 * writing is for the UC front-end emulator.
 *
 * <p>Which instance wins when a document carries several: an {@code aggregateState} instance when
 * there is one (it is the server's own verdict over all the others), otherwise the instance with
 * the latest {@code publishTime}; on equal times the later one in the document. An aggregateState
 * whose activity reveals where it came from (for example {@code in-a-meeting} from the calendar)
 * keeps source AGGREGATE and carries the activity token, so the presence map can still tell a
 * meeting from plain Busy.
 */
public final class MsPresCategoriesDocument {

    public static final String CONTENT_TYPE = "application/msrtc-event-categories+xml";

    static final String NAMESPACE = "http://schemas.microsoft.com/2006/09/sip/categories";
    static final String STATE_NAMESPACE = "http://schemas.microsoft.com/2006/09/sip/state";

    private static final Logger LOG = LoggerFactory.getLogger(MsPresCategoriesDocument.class);
    private static final long MAX_INSTANCE = 0xFFFF_FFFFL;
    private static final Pattern UNSIGNED_INT = Pattern.compile("\\d{1,10}");

    /**
     * One {@code state} category instance to write.
     *
     * @param stateType           aggregateState, aggregateMachineState, userState, machineState, phoneState or calendarState
     * @param availability        the MS-PRES availability number (e.g. 3500, 6500)
     * @param activityTokenOrNull an activity token such as {@code on-the-phone}, or null
     * @param instance            the category instance id, an unsigned 32-bit number
     * @param publishTime         when it was published
     */
    public record StateInstance(
            String stateType, int availability, String activityTokenOrNull, long instance, Instant publishTime) {

        public StateInstance {
            MsPresStateType.requireXsiType(stateType);
            if (availability < 0) {
                throw new IllegalArgumentException("availability must not be negative: " + availability);
            }
            PresenceValues.requireActivityToken(activityTokenOrNull);
            if (instance < 0 || instance > MAX_INSTANCE) {
                throw new IllegalArgumentException("instance must be an unsigned 32-bit number: " + instance);
            }
            Objects.requireNonNull(publishTime, "publishTime");
        }
    }

    /** A multipart body and the Content-Type header value (with its boundary) that must go with it. */
    public record Multipart(String contentType, String body) {}

    private MsPresCategoriesDocument() {}

    /** A categories document for one presentity with one {@code state} category per instance, in the given order. */
    public static String write(String sipUri, List<StateInstance> states) {
        StringBuilder xml = new StringBuilder(256 + 320 * states.size());
        xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        appendCategories(xml, sipUri, states);
        return xml.toString();
    }

    /** {@link #writeBatch(String, long, Map)} with rlmi version 0. */
    public static Multipart writeBatch(String listUri, Map<String, List<StateInstance>> statesByUri) {
        return writeBatch(listUri, 0, statesByUri);
    }

    /**
     * The answer to a batched (adhocList) subscription: {@code multipart/related} whose root part is
     * an {@code application/rlmi+xml} list naming every resource, then one categories part per
     * resource, referenced from the list by Content-ID (RFC 4662, MS-SIP 3.3.5.1). Resources are
     * written in the map's iteration order.
     *
     * @param rlmiVersion the list's version, which RFC 4662 wants increased with every notification of a subscription
     */
    public static Multipart writeBatch(String listUri, long rlmiVersion, Map<String, List<StateInstance>> statesByUri) {
        return writeBatch(listUri, rlmiVersion, true, statesByUri);
    }

    /**
     * As {@link #writeBatch(String, long, Map)}; {@code fullState} false marks a notification that carries only
     * the resources that changed (RFC 4662 4.3), the others keeping what the subscriber last got.
     */
    public static Multipart writeBatch(
            String listUri, long rlmiVersion, boolean fullState, Map<String, List<StateInstance>> statesByUri) {
        PresenceValues.requireUri(listUri, "list URI");
        if (rlmiVersion < 0) {
            throw new IllegalArgumentException("rlmi version must not be negative: " + rlmiVersion);
        }
        String boundary = "ucsync-" + UUID.randomUUID();
        Map<String, String> contentIds = new LinkedHashMap<>();
        int index = 0;
        for (String uri : statesByUri.keySet()) {
            contentIds.put(PresenceValues.requireUri(uri, "resource URI"), "resource" + ++index + "@ucsync");
        }

        StringBuilder rlmi = new StringBuilder(256 + 160 * contentIds.size());
        rlmi.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<list xmlns=\"")
                .append(RlmiDocument.NAMESPACE)
                .append("\" uri=\"")
                .append(XmlEscape.escape(listUri))
                .append("\" version=\"")
                .append(rlmiVersion)
                .append("\" fullState=\"")
                .append(fullState)
                .append("\">\n");
        contentIds.forEach((uri, cid) -> rlmi.append("  <resource uri=\"")
                .append(XmlEscape.escape(uri))
                .append("\">")
                .append("<instance id=\"0\" state=\"active\" cid=\"")
                .append(cid)
                .append("\"/></resource>\n"));
        rlmi.append("</list>\n");

        StringBuilder body = new StringBuilder(rlmi.length() + 600 * contentIds.size());
        appendPart(body, boundary, RlmiDocument.ROOT_CONTENT_ID, RlmiDocument.CONTENT_TYPE, rlmi);
        for (Map.Entry<String, List<StateInstance>> resource : statesByUri.entrySet()) {
            StringBuilder categories = new StringBuilder();
            appendCategories(categories, resource.getKey(), resource.getValue());
            appendPart(body, boundary, contentIds.get(resource.getKey()), CONTENT_TYPE, categories);
        }
        body.append("--").append(boundary).append("--\r\n");
        String contentType = "multipart/related;type=\"" + RlmiDocument.CONTENT_TYPE + "\";start=\"<"
                + RlmiDocument.ROOT_CONTENT_ID + ">\";boundary=\"" + boundary + "\"";
        return new Multipart(contentType, body.toString());
    }

    private static void appendPart(
            StringBuilder body, String boundary, String contentId, String contentType, CharSequence content) {
        body.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Transfer-Encoding: binary\r\n")
                .append("Content-ID: <")
                .append(contentId)
                .append(">\r\n")
                .append("Content-Type: ")
                .append(contentType)
                .append("\r\n\r\n")
                .append(content)
                .append("\r\n");
    }

    private static void appendCategories(StringBuilder xml, String sipUri, List<StateInstance> states) {
        PresenceValues.requireUri(sipUri, "presentity URI");
        xml.append("<categories xmlns=\"")
                .append(NAMESPACE)
                .append("\" uri=\"")
                .append(XmlEscape.escape(sipUri))
                .append("\">\n");
        for (StateInstance state : states) {
            xml.append("  <category name=\"state\" instance=\"")
                    .append(state.instance())
                    .append("\" publishTime=\"")
                    .append(DateTimeFormatter.ISO_INSTANT.format(state.publishTime()))
                    .append("\">\n")
                    .append("    <state xmlns=\"")
                    .append(STATE_NAMESPACE)
                    .append("\" xmlns:xsi=\"")
                    .append(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI)
                    .append("\" xsi:type=\"")
                    .append(state.stateType())
                    .append('"');
            if (MsPresStateType.fromXsiType(state.stateType()) == MsPresStateType.USER_STATE) {
                xml.append(" manual=\"true\"");
            }
            xml.append(">\n      <availability>").append(state.availability()).append("</availability>\n");
            if (state.activityTokenOrNull() != null) {
                xml.append("      <activity token=\"")
                        .append(state.activityTokenOrNull())
                        .append("\"/>\n");
            }
            xml.append("    </state>\n  </category>\n");
        }
        xml.append("</categories>\n");
    }

    /**
     * The presence a categories document carries, or empty when it has no {@code state} category
     * instance with a state (a contactCard-only document, or an instance being removed).
     */
    static Optional<Presence> read(XmlElement root, String fallbackUri, Instant receivedAt)
            throws PresenceDocumentException {
        if (!root.is(NAMESPACE, "categories")) {
            throw new PresenceDocumentException(
                    "unexpected root element " + root.qualifiedName() + ", expected {" + NAMESPACE + "}categories");
        }
        String uri = PresenceValues.presentityUri(root.attribute("uri"), fallbackUri, "categories document");
        Presence chosen = null;
        for (XmlElement category : root.children()) {
            if (!category.is(NAMESPACE, "category") || !"state".equals(category.attribute("name"))) {
                continue;
            }
            XmlElement state = stateElement(category);
            if (state == null) {
                // an instance published with expires=0 is sent without its value: it is going away
                continue;
            }
            String xsiType = state.attribute(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI, "type");
            MsPresStateType type = MsPresStateType.fromXsiType(xsiType);
            if (type == null) {
                LOG.debug(
                        "state category instance of {} with unknown xsi:type {} ignored",
                        uri,
                        xsiType == null ? "(none)" : LogText.printable(xsiType));
                continue;
            }
            Presence candidate = new Presence(
                    uri,
                    availability(state),
                    activity(state),
                    type.source(),
                    publishTime(category.attribute("publishTime"), receivedAt));
            chosen = preferred(chosen, candidate);
        }
        return Optional.ofNullable(chosen);
    }

    private static Presence preferred(Presence current, Presence candidate) {
        if (current == null) {
            return candidate;
        }
        boolean currentAggregate = current.source() == PresenceSource.AGGREGATE;
        boolean candidateAggregate = candidate.source() == PresenceSource.AGGREGATE;
        if (currentAggregate != candidateAggregate) {
            return currentAggregate ? current : candidate;
        }
        return candidate.publishTime().isBefore(current.publishTime()) ? current : candidate;
    }

    private static XmlElement stateElement(XmlElement category) {
        for (XmlElement child : category.children()) {
            if (child.is(STATE_NAMESPACE, "state")) {
                return child;
            }
        }
        return null;
    }

    private static Availability availability(XmlElement state) throws PresenceDocumentException {
        XmlElement availability = state.child("availability");
        if (availability == null || availability.text().isEmpty()) {
            return Availability.UNKNOWN;
        }
        String text = availability.text();
        if (!UNSIGNED_INT.matcher(text).matches()) {
            throw new PresenceDocumentException("availability is not an unsigned number: " + LogText.printable(text));
        }
        return Availability.fromMsPres((int) Math.min(Long.parseLong(text), Integer.MAX_VALUE));
    }

    /** The first activity with a token; an activity with only localized {@code custom} text has no token to map. */
    private static String activity(XmlElement state) throws PresenceDocumentException {
        for (XmlElement activity : state.children("activity")) {
            String token = PresenceValues.activityToken(activity.attribute("token"));
            if (token != null) {
                return token;
            }
        }
        return null;
    }

    /** MS-PRES examples write publishTime without a zone ({@code 2006-08-30T18:49:19.157}): that is UTC. */
    static Instant publishTime(String value, Instant fallback) throws PresenceDocumentException {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            TemporalAccessor parsed =
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(value.trim(), OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime offset
                    ? offset.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new PresenceDocumentException("publishTime is not an xs:dateTime: " + LogText.printable(value));
        }
    }
}
