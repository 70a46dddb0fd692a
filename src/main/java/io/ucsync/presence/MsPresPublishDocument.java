package io.ucsync.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;

/**
 * The MS-PRES category publish document ({@code application/msrtc-category-publish+xml}), the body
 * of the SERVICE request that publishes presence (MS-PRES 2.2.2.2, the Lync "creating enhanced
 * presence category instances" page). The state written is a {@code userState} with
 * {@code manual="true"}, what a Lync client publishes into the aggregation containers (2 and 3)
 * when the user picks a status; removal republishes the instance with {@code expires="0"}.
 */
public final class MsPresPublishDocument {

    public static final String CONTENT_TYPE = "application/msrtc-category-publish+xml";

    static final String NAMESPACE = "http://schemas.microsoft.com/2006/09/sip/rich-presence";

    private static final Set<String> EXPIRE_TYPES = Set.of("endpoint", "static", "user", "time");
    private static final Pattern UNSIGNED_INT = Pattern.compile("\\d{1,10}");

    private MsPresPublishDocument() {}

    /**
     * Publishes a user state.
     *
     * @param availability        the MS-PRES availability number, e.g. {@link Availability#msPresValue()}
     * @param activityTokenOrNull an activity token such as {@code on-the-phone}, or null
     * @param instance            the category instance id, an unsigned 32-bit number (written unsigned)
     * @param container           the container id, e.g. 2 and 3 for the aggregation inputs
     * @param version             the current version of the instance (0 for a new one; a 409 names the right one)
     * @param expireType          endpoint, static or user; time needs {@link #publishState(String, int, String, int, int, long, String, Integer)}
     */
    public static String publishState(
            String sipUri,
            int availability,
            String activityTokenOrNull,
            int instance,
            int container,
            long version,
            String expireType) {
        return publishState(sipUri, availability, activityTokenOrNull, instance, container, version, expireType, null);
    }

    /** As {@link #publishState(String, int, String, int, int, long, String)}, with {@code expires} seconds for expireType time. */
    public static String publishState(
            String sipUri,
            int availability,
            String activityTokenOrNull,
            int instance,
            int container,
            long version,
            String expireType,
            Integer expires) {
        if (availability < 0) {
            throw new IllegalArgumentException("availability must not be negative: " + availability);
        }
        PresenceValues.requireActivityToken(activityTokenOrNull);
        StringBuilder state = new StringBuilder(256);
        state.append("\n      <state xmlns=\"")
                .append(MsPresCategoriesDocument.STATE_NAMESPACE)
                .append("\" xmlns:xsi=\"")
                .append(XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI)
                .append("\" xsi:type=\"userState\" manual=\"true\">\n")
                .append("        <availability>")
                .append(availability)
                .append("</availability>\n");
        if (activityTokenOrNull != null) {
            state.append("        <activity token=\"")
                    .append(activityTokenOrNull)
                    .append("\"/>\n");
        }
        state.append("      </state>\n    ");
        return document(sipUri, instance, container, version, expireType, expires, state);
    }

    /** Removes a state instance: republishes it time-bound with {@code expires="0"} and no value. */
    public static String removeState(String sipUri, int instance, int container, long version) {
        return document(sipUri, instance, container, version, "time", 0, null);
    }

    private static String document(
            String sipUri,
            int instance,
            int container,
            long version,
            String expireType,
            Integer expires,
            CharSequence state) {
        PresenceValues.requireUri(sipUri, "publisher URI");
        if (container < 0) {
            throw new IllegalArgumentException("container must not be negative: " + container);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
        if (!EXPIRE_TYPES.contains(expireType)) {
            throw new IllegalArgumentException("expireType must be one of " + EXPIRE_TYPES + ": " + expireType);
        }
        if ("time".equals(expireType) != (expires != null)) {
            throw new IllegalArgumentException("expires is required with expireType time and only with it: "
                    + expireType + ", expires " + expires);
        }
        if (expires != null && expires < 0) {
            throw new IllegalArgumentException("expires must not be negative: " + expires);
        }
        StringBuilder xml = new StringBuilder(512);
        xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<publish xmlns=\"")
                .append(NAMESPACE)
                .append("\">\n")
                .append("  <publications uri=\"")
                .append(XmlEscape.escape(sipUri))
                .append("\">\n")
                .append("    <publication categoryName=\"state\" instance=\"")
                .append(Integer.toUnsignedString(instance))
                .append("\" container=\"")
                .append(container)
                .append("\" version=\"")
                .append(version)
                .append("\" expireType=\"")
                .append(expireType)
                .append('"');
        if (expires != null) {
            xml.append(" expires=\"").append(expires).append('"');
        }
        if (state == null) {
            xml.append("/>\n");
        } else {
            xml.append('>').append(state).append("</publication>\n");
        }
        xml.append("  </publications>\n</publish>\n");
        return xml.toString();
    }

    /** Every publication in a publish document, in document order (for the UC front-end emulator). */
    public static List<StatePublication> read(byte[] body) throws PresenceDocumentException {
        XmlElement root = SafeXml.DEFAULT.parse(body);
        if (!root.is(NAMESPACE, "publish")) {
            throw new PresenceDocumentException(
                    "unexpected root element " + root.qualifiedName() + ", expected {" + NAMESPACE + "}publish");
        }
        List<StatePublication> publications = new ArrayList<>();
        for (XmlElement group : root.children()) {
            if (!group.is(NAMESPACE, "publications")) {
                continue;
            }
            if (group.attribute("uri") == null) {
                throw new PresenceDocumentException("publications attribute uri missing");
            }
            String uri = PresenceValues.presentityUri(group.attribute("uri"), null, "publications element");
            for (XmlElement publication : group.children()) {
                if (publication.is(NAMESPACE, "publication")) {
                    publications.add(publication(uri, publication));
                }
            }
        }
        return publications;
    }

    private static StatePublication publication(String uri, XmlElement publication) throws PresenceDocumentException {
        String categoryName = publication.attribute("categoryName");
        if (categoryName == null || categoryName.isBlank()) {
            throw new PresenceDocumentException("publication attribute categoryName missing");
        }
        int instance = (int) number(publication, "instance", 0xFFFF_FFFFL);
        int container = (int) number(publication, "container", Integer.MAX_VALUE);
        long version = number(publication, "version", 0xFFFF_FFFFL);
        String expireType = publication.attribute("expireType");
        if (expireType != null && !EXPIRE_TYPES.contains(expireType)) {
            throw new PresenceDocumentException(
                    "publication expireType must be one of " + EXPIRE_TYPES + ": " + LogText.printable(expireType));
        }
        Integer expires = publication.attribute("expires") == null
                ? null
                : (int) number(publication, "expires", Integer.MAX_VALUE);

        Integer availability = null;
        String activityToken = null;
        for (XmlElement state : publication.children()) {
            if (state.is(MsPresCategoriesDocument.STATE_NAMESPACE, "state")) {
                XmlElement availabilityElement = state.child("availability");
                if (availabilityElement != null) {
                    availability = (int) unsigned(availabilityElement.text(), "availability", Integer.MAX_VALUE);
                }
                XmlElement activity = state.child("activity");
                activityToken = activity == null ? null : PresenceValues.activityToken(activity.attribute("token"));
            }
        }
        return new StatePublication(
                uri, categoryName, instance, container, version, expireType, expires, availability, activityToken);
    }

    private static long number(XmlElement publication, String attribute, long max) throws PresenceDocumentException {
        String value = publication.attribute(attribute);
        if (value == null) {
            throw new PresenceDocumentException("publication attribute " + attribute + " missing");
        }
        return unsigned(value, "publication attribute " + attribute, max);
    }

    private static long unsigned(String value, String what, long max) throws PresenceDocumentException {
        String trimmed = value.trim();
        if (!UNSIGNED_INT.matcher(trimmed).matches() || Long.parseLong(trimmed) > max) {
            throw new PresenceDocumentException(
                    what + " is not an unsigned number up to " + max + ": " + LogText.printable(trimmed));
        }
        return Long.parseLong(trimmed);
    }
}
