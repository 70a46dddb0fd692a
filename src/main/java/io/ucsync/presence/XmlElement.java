package io.ucsync.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One element of a parsed presence document: just what the readers need (qualified name,
 * attributes, children, text), built by {@link SafeXml}. Presence documents are small and bounded,
 * so a tree is cheaper to reason about than streaming state machines, and costs little.
 */
final class XmlElement {

    private final String namespace;
    private final String localName;
    /** Keys are the local name for unqualified attributes and {@code {namespace}local} for qualified ones. */
    private final Map<String, String> attributes;

    private final List<XmlElement> children = new ArrayList<>();
    private StringBuilder text;

    XmlElement(String namespace, String localName, Map<String, String> attributes) {
        this.namespace = namespace == null ? "" : namespace;
        this.localName = localName;
        this.attributes = attributes;
    }

    String namespace() {
        return namespace;
    }

    String localName() {
        return localName;
    }

    /** {@code {namespace}localName}, the form used in error messages. */
    String qualifiedName() {
        return "{" + namespace + "}" + localName;
    }

    boolean is(String namespace, String localName) {
        return this.namespace.equals(namespace) && this.localName.equals(localName);
    }

    /** An unqualified attribute (presence formats put their attributes in no namespace), or null. */
    String attribute(String name) {
        return attributes.get(name);
    }

    String attribute(String namespace, String name) {
        return attributes.get("{" + namespace + "}" + name);
    }

    List<XmlElement> children() {
        return children;
    }

    /** The first child with this local name in any namespace, or null. */
    XmlElement child(String localName) {
        for (XmlElement child : children) {
            if (child.localName.equals(localName)) {
                return child;
            }
        }
        return null;
    }

    /** Every child with this local name, in any namespace. */
    List<XmlElement> children(String localName) {
        List<XmlElement> found = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.localName.equals(localName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** Every descendant (depth first, document order) with this namespace and local name. */
    List<XmlElement> descendants(String namespace, String localName) {
        List<XmlElement> found = new ArrayList<>();
        collectDescendants(namespace, localName, found);
        return found;
    }

    private void collectDescendants(String namespace, String localName, List<XmlElement> found) {
        for (XmlElement child : children) {
            if (child.is(namespace, localName)) {
                found.add(child);
            }
            child.collectDescendants(namespace, localName, found);
        }
    }

    /** The element's own character content, trimmed; empty when it has none. */
    String text() {
        return text == null ? "" : text.toString().trim();
    }

    void addChild(XmlElement child) {
        children.add(child);
    }

    void appendText(String characters) {
        if (text == null) {
            text = new StringBuilder(characters.length());
        }
        text.append(characters);
    }
}
