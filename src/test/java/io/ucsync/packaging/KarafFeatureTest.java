package io.ucsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What can be checked of the Karaf features descriptor without a Karaf container: it is well-formed, names a Camel
 * feature for every Camel component the pom depends on, and the bundles of JAIN-SIP, H2 and ucsync at the pom's
 * versions.
 */
class KarafFeatureTest {

    /** Components that come with Karaf's camel-core feature, or only exist for camel-main. */
    private static final Set<String> IN_CAMEL_CORE_OR_MAIN_ONLY = Set.of(
            "camel-main",
            "camel-bean",
            "camel-direct",
            "camel-seda",
            "camel-log",
            "camel-timer",
            "camel-platform-http-main");

    @Test
    void theDescriptorNamesAFeatureForEveryCamelComponentAndABundleForEveryOtherDependency() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document features = factory.newDocumentBuilder()
                .parse(Path.of("src/main/feature/feature.xml").toFile());
        List<String> named = texts(features.getElementsByTagName("feature"));
        List<String> bundles = texts(features.getElementsByTagName("bundle"));

        Matcher camel = Pattern.compile("<artifactId>(camel-[a-z0-9-]+)</artifactId></dependency>")
                .matcher(pom);
        int components = 0;
        while (camel.find()) {
            if (!IN_CAMEL_CORE_OR_MAIN_ONLY.contains(camel.group(1))) {
                assertThat(named).as("a feature for " + camel.group(1)).contains(camel.group(1));
                components++;
            }
        }
        assertThat(components).isPositive();
        assertThat(bundles)
                .contains(
                        "wrap:mvn:javax.sip/jain-sip-ri/" + property(pom, "jain-sip.version"),
                        "mvn:com.h2database/h2/" + property(pom, "h2.version"),
                        "mvn:io.ucsync/ucsync/" + property(pom, "project.version"));
    }

    private static String property(String pom, String name) {
        if (name.equals("project.version")) {
            Matcher version = Pattern.compile("<artifactId>ucsync</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(pom);
            assertThat(version.find()).isTrue();
            return version.group(1);
        }
        Matcher value =
                Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(value.find()).as(name).isTrue();
        return value.group(1);
    }

    private static List<String> texts(NodeList nodes) {
        return java.util.stream.IntStream.range(0, nodes.getLength())
                .mapToObj(i -> nodes.item(i).getTextContent().trim())
                .toList();
    }
}
