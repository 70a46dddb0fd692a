package io.ucsync.sip.internal;

import io.ucsync.presence.MsPresBatchSubscribeDocument;
import java.io.ByteArrayOutputStream;
import java.util.Collection;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The body of an MS-PRES category SUBSCRIBE ({@code application/msrtc-adrl-categorylist+xml}, MS-PRES 2.2.2.4.1):
 * a {@code batchSub} whose {@code adhocList} names the workers and whose {@code categoryList} asks for the
 * {@code state} category, the one that carries availability and activity. Written with StAX, which escapes
 * the URIs.
 */
public final class CategorySubscriptionBody {

    public static final String CONTENT_TYPE = MsPresBatchSubscribeDocument.CONTENT_TYPE;

    private static final String BATCH_NS = "http://schemas.microsoft.com/2006/01/sip/batch-subscribe";
    private static final String CATEGORY_NS = "http://schemas.microsoft.com/2006/09/sip/categorylist";
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private CategorySubscriptionBody() {}

    /** The document subscribing {@code subscriber} to the state of {@code workers}. */
    public static byte[] subscribe(String subscriber, Collection<String> workers, long actionId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * workers.size());
        try {
            XMLStreamWriter w = OUTPUT.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("batchSub");
            w.writeDefaultNamespace(BATCH_NS);
            w.writeAttribute("uri", subscriber);
            w.writeAttribute("name", "");
            w.writeStartElement("action");
            w.writeAttribute("name", "subscribe");
            w.writeAttribute("id", Long.toString(actionId));
            w.writeStartElement("adhocList");
            for (String worker : workers) {
                w.writeEmptyElement("resource");
                w.writeAttribute("uri", worker);
            }
            w.writeEndElement();
            w.writeStartElement("categoryList");
            w.writeDefaultNamespace(CATEGORY_NS);
            w.writeEmptyElement("category");
            w.writeAttribute("name", "state");
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write a batchSub document", e);
        }
        return out.toByteArray();
    }
}
