package io.ucsync.presence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of an MS-PRES category SUBSCRIBE ({@code application/msrtc-adrl-categorylist+xml},
 * MS-PRES 2.2.2.4.1): a {@code batchSub} whose {@code action name="subscribe"} holds an {@code adhocList}
 * naming the presentities to watch. The UC front-end emulator reads it to learn whom a (batched)
 * subscription watches; ucsync writes it in {@code io.ucsync.sip.internal.CategorySubscriptionBody}.
 * Parsed by {@link SafeXml}, like every document from the network.
 */
public final class MsPresBatchSubscribeDocument {

    public static final String CONTENT_TYPE = "application/msrtc-adrl-categorylist+xml";

    static final String NAMESPACE = "http://schemas.microsoft.com/2006/01/sip/batch-subscribe";

    /**
     * Bounds what one request can make a reader hold; the UC front-end emulator refuses batches above its own, lower
     * limit with 413.
     */
    static final int MAX_RESOURCES = 5000;

    private MsPresBatchSubscribeDocument() {}

    /**
     * The resource URIs of every subscribe action's adhocList, in document order, without repeats.
     *
     * @throws PresenceDocumentException when the body is not a batchSub document, names no resource, names one
     *                                   without a URI, or names more than {@value #MAX_RESOURCES}
     */
    public static List<String> resources(byte[] body) throws PresenceDocumentException {
        XmlElement root = SafeXml.DEFAULT.parse(body);
        if (!root.is(NAMESPACE, "batchSub")) {
            throw new PresenceDocumentException(
                    "unexpected root element " + root.qualifiedName() + ", expected {" + NAMESPACE + "}batchSub");
        }
        Set<String> resources = new LinkedHashSet<>();
        for (XmlElement action : root.children()) {
            if (!action.is(NAMESPACE, "action") || !"subscribe".equals(action.attribute("name"))) {
                continue;
            }
            for (XmlElement list : action.children()) {
                if (!list.is(NAMESPACE, "adhocList")) {
                    continue;
                }
                for (XmlElement resource : list.children()) {
                    if (!resource.is(NAMESPACE, "resource")) {
                        continue;
                    }
                    if (resource.attribute("uri") == null) {
                        throw new PresenceDocumentException("adhocList resource attribute uri missing");
                    }
                    resources.add(PresenceValues.presentityUri(resource.attribute("uri"), null, "adhocList resource"));
                    if (resources.size() > MAX_RESOURCES) {
                        throw new PresenceDocumentException(
                                "adhocList names more than " + MAX_RESOURCES + " resources");
                    }
                }
            }
        }
        if (resources.isEmpty()) {
            throw new PresenceDocumentException("batchSub has no subscribe action with an adhocList resource");
        }
        return new ArrayList<>(resources);
    }
}
