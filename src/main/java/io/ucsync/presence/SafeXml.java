package io.ucsync.presence;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses presence XML that came from the network, and nothing else: the only place in ucsync where
 * such bytes meet an XML parser.
 *
 * <p>Rules, each refusal a {@link PresenceDocumentException} naming the rule:
 * <ul>
 *   <li>bodies larger than {@code maxBodyBytes} are refused before any parsing;</li>
 *   <li>a DOCTYPE is refused as soon as the parser reports it, so no DTD, internal subset, entity
 *       declaration or external identifier is ever used (this is StAX's equivalent of
 *       {@code disallow-doctype-decl}); DTD support and external entities are also switched off in
 *       the factory, external DTD access is limited to no protocol at all, any resolver call fails,
 *       and the JDK's entity expansion limit is lowered, so a parser change cannot silently reopen
 *       the door;</li>
 *   <li>an element deeper than {@code maxDepth} is refused when its start tag is read;</li>
 *   <li>an attribute value longer than {@link #MAX_ATTRIBUTE_CHARS} is refused;</li>
 *   <li>anything the parser rejects is "not XML: ...".</li>
 * </ul>
 * StAX never processes XInclude, and the JDK's StAX implementation always runs with its secure
 * processing limits (it does not accept the secure-processing feature as a property, it has it on).
 *
 * <p>The JDK's own StAX implementation is used explicitly ({@link XMLInputFactory#newDefaultFactory()}),
 * so a StAX provider elsewhere on the class path cannot change these rules. Factories are not
 * thread-safe (the JDK's reuses its reader), so each thread keeps one: creating a factory costs
 * far more than parsing a presence document.
 */
final class SafeXml {

    static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
    static final int DEFAULT_MAX_DEPTH = 32;
    /** Presence attributes are URIs, tokens, numbers and times; 8 KiB is generous for all of them. */
    static final int MAX_ATTRIBUTE_CHARS = 8192;

    /** The limits the static document helpers (publications, faults) parse with. */
    static final SafeXml DEFAULT = new SafeXml(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH);

    private static final String JDK_ENTITY_EXPANSION_LIMIT =
            "http://www.oracle.com/xml/jaxp/properties/entityExpansionLimit";

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("^\\s*<\\?xml[^>]*encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");
    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(SafeXml::newFactory);

    private final int maxBodyBytes;
    private final int maxDepth;

    SafeXml(int maxBodyBytes, int maxDepth) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        if (maxDepth <= 0) {
            throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.maxDepth = maxDepth;
    }

    /** Refuses a body larger than the limit; called before anything looks at its content. */
    void checkSize(int length) throws PresenceDocumentException {
        if (length > maxBodyBytes) {
            throw new PresenceDocumentException("body too large: " + length + " bytes > " + maxBodyBytes);
        }
    }

    XmlElement parse(byte[] body) throws PresenceDocumentException {
        return parse(body, 0, body.length);
    }

    /** Parses {@code length} bytes from {@code offset}; the encoding comes from the XML declaration (UTF-8 by default). */
    XmlElement parse(byte[] body, int offset, int length) throws PresenceDocumentException {
        checkSize(length);
        checkUtf8(body, offset, length);
        XMLStreamReader reader;
        try {
            reader = FACTORY.get().createXMLStreamReader(new ByteArrayInputStream(body, offset, length));
        } catch (XMLStreamException e) {
            throw notXml(e);
        }
        try {
            return buildTree(reader);
        } catch (XMLStreamException e) {
            throw notXml(e);
        } catch (RuntimeException e) {
            // the JDK's parser fails this way on some malformed DOCTYPEs (found by fuzzing: MissingResourceException
            // "InvalidCharInDTD", its error message has no text): still a document that is not XML
            throw new PresenceDocumentException(
                    "not XML: the parser failed with " + e.getClass().getSimpleName());
        } finally {
            closeQuietly(reader);
        }
    }

    private XmlElement buildTree(XMLStreamReader reader) throws XMLStreamException, PresenceDocumentException {
        Deque<XmlElement> open = new ArrayDeque<>();
        XmlElement root = null;
        while (reader.hasNext()) {
            switch (reader.next()) {
                case XMLStreamConstants.DTD -> throw new PresenceDocumentException("DOCTYPE not allowed");
                case XMLStreamConstants.ENTITY_REFERENCE ->
                    throw new PresenceDocumentException(
                            "entity reference not allowed: &" + reader.getLocalName() + ";");
                case XMLStreamConstants.START_ELEMENT -> {
                    if (open.size() >= maxDepth) {
                        throw new PresenceDocumentException("element depth > " + maxDepth);
                    }
                    XmlElement element =
                            new XmlElement(reader.getNamespaceURI(), reader.getLocalName(), attributes(reader));
                    if (open.isEmpty()) {
                        root = element;
                    } else {
                        open.peek().addChild(element);
                    }
                    open.push(element);
                }
                case XMLStreamConstants.END_ELEMENT -> open.pop();
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!open.isEmpty()) {
                        open.peek().appendText(reader.getText());
                    }
                }
                default -> {
                    // comments, processing instructions, document start and end carry nothing for presence
                }
            }
        }
        if (root == null) {
            throw new PresenceDocumentException("not XML: no root element");
        }
        return root;
    }

    private static Map<String, String> attributes(XMLStreamReader reader) throws PresenceDocumentException {
        int count = reader.getAttributeCount();
        if (count == 0) {
            return Map.of();
        }
        Map<String, String> attributes = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String namespace = reader.getAttributeNamespace(i);
            String name = reader.getAttributeLocalName(i);
            String value = reader.getAttributeValue(i);
            if (value.length() > MAX_ATTRIBUTE_CHARS) {
                throw new PresenceDocumentException(
                        "attribute " + name + " too long: " + value.length() + " characters > " + MAX_ATTRIBUTE_CHARS);
            }
            attributes.put(namespace == null || namespace.isEmpty() ? name : "{" + namespace + "}" + name, value);
        }
        return attributes;
    }

    /**
     * A document in UTF-8 (declared, or by default) must be valid UTF-8. Checked before parsing because the JDK's
     * parser, besides throwing, prints "[Fatal Error]" to standard error for bad UTF-8 (found by fuzzing): the
     * refusal is logged once, by the caller, and nothing else.
     */
    private static void checkUtf8(byte[] body, int offset, int length) throws PresenceDocumentException {
        String head = new String(body, offset, Math.min(length, 128), StandardCharsets.ISO_8859_1);
        Matcher declared = DECLARED_ENCODING.matcher(head);
        boolean utf16 = length >= 2 && ((body[offset] & 0xff) == 0xfe || (body[offset] & 0xff) == 0xff);
        if (utf16 || (declared.find() && !declared.group(1).equalsIgnoreCase("UTF-8"))) {
            return; // another encoding: the parser reads it
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, offset, length));
        } catch (CharacterCodingException e) {
            throw new PresenceDocumentException("not XML: invalid UTF-8");
        }
    }

    private static PresenceDocumentException notXml(XMLStreamException e) {
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().replaceAll("\\s+", " ").trim();
        return new PresenceDocumentException(
                "not XML: " + (message.length() <= 300 ? message : message.substring(0, 300) + "..."));
    }

    private static void closeQuietly(XMLStreamReader reader) {
        try {
            reader.close();
        } catch (XMLStreamException e) {
            // closing an in-memory reader frees buffers only; there is nothing to report
        }
    }

    /** A hardened factory; package-private so the benchmark can weigh a factory per document against one per thread. */
    static XMLInputFactory newFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(JDK_ENTITY_EXPANSION_LIMIT, "64");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resource refused: " + systemId);
        });
        return factory;
    }
}
