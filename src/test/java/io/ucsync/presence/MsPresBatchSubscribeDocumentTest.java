package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucsync.sip.internal.CategorySubscriptionBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batchSub reader of the front-end emulator against the writer of the sip-presence component, and its refusals. */
class MsPresBatchSubscribeDocumentTest {

    private static final String HEAD =
            "<batchSub xmlns=\"http://schemas.microsoft.com/2006/01/sip/batch-subscribe\" uri=\"sip:ucsync@x\">"
                    + "<action name=\"subscribe\" id=\"1\"><adhocList>";
    private static final String TAIL = "</adhocList></action></batchSub>";

    @Test
    void readsTheWorkersTheComponentSubscribesTo() throws Exception {
        List<String> workers = List.of("sip:alice@ucsync.test", "sip:o'brien&co@ucsync.test", "sip:bob@ucsync.test");
        byte[] body = CategorySubscriptionBody.subscribe("sip:ucsync@ucsync.test", workers, 7);
        assertThat(MsPresBatchSubscribeDocument.resources(body)).isEqualTo(workers);
    }

    @Test
    void refusesWhatNamesNoUsableResource() {
        assertThatThrownBy(() -> read(HEAD + "<resource/>" + TAIL))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("adhocList resource attribute uri missing");
        assertThatThrownBy(() -> read(HEAD + "<resource uri=\"not a uri\"/>" + TAIL))
                .hasMessageContaining("presentity URI is not a URI");
        assertThatThrownBy(
                        () -> read(
                                "<batchSub xmlns=\"http://schemas.microsoft.com/2006/01/sip/batch-subscribe\">"
                                        + "<action name=\"unsubscribe\"><adhocList><resource uri=\"sip:a@x\"/></adhocList></action></batchSub>"))
                .hasMessage("batchSub has no subscribe action with an adhocList resource");
        assertThatThrownBy(() -> read("<publish/>")).hasMessageContaining("unexpected root element {}publish");
        String tooMany = IntStream.rangeClosed(0, MsPresBatchSubscribeDocument.MAX_RESOURCES)
                .mapToObj(i -> "<resource uri=\"sip:kw" + i + "@x\"/>")
                .reduce("", String::concat);
        assertThatThrownBy(() -> read(HEAD + tooMany + TAIL))
                .hasMessage("adhocList names more than " + MsPresBatchSubscribeDocument.MAX_RESOURCES + " resources");
    }

    private static List<String> read(String xml) throws PresenceDocumentException {
        return MsPresBatchSubscribeDocument.resources(xml.getBytes(StandardCharsets.UTF_8));
    }
}
