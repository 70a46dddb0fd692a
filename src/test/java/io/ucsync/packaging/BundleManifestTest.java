package io.ucsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OSGi manifest bnd writes for the plain jar (target/classes/META-INF/MANIFEST.MF, the same file the jar
 * carries), read as a Karaf administrator would: what the bundle exports, and what it needs from the container.
 */
class BundleManifestTest {

    private static final Path MANIFEST = Path.of("target/classes/META-INF/MANIFEST.MF");
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void everyPackageButTheSipPlumbingIsExportedAtTheProjectsVersion() throws IOException {
        Attributes manifest = manifest();
        String version = pomValue("<artifactId>ucsync</artifactId>\\s*<version>([0-9.]+)");
        assertThat(manifest.getValue("Bundle-SymbolicName")).isEqualTo("io.ucsync");
        assertThat(manifest.getValue("Bundle-Version")).startsWith(version + ".");

        Map<String, String> exports = clauses(manifest.getValue("Export-Package"));
        List<String> packages = ucsyncPackages();
        assertThat(packages).contains("io.ucsync.app", "io.ucsync.tlib", "io.ucsync.sip", "io.ucsync.sip.internal");
        for (String pkg : packages) {
            if (pkg.equals("io.ucsync.sip.internal")) {
                assertThat(exports)
                        .as("the SIP component's socket plumbing stays inside the bundle")
                        .doesNotContainKey(pkg);
            } else {
                assertThat(exports).as(pkg).containsKey(pkg);
                assertThat(exports.get(pkg)).as(pkg).contains("version=\"" + version + "\"");
            }
        }
    }

    @Test
    void camelIsNeededFromTheBuiltMinorToTheNextMajorAndOnlyCamelMainIsOptional() throws IOException {
        Map<String, String> imports = clauses(manifest().getValue("Import-Package"));
        String camel = pomValue("<camel.version>([^<]+)</camel.version>");

        List<String> camelPackages = imports.keySet().stream()
                .filter(pkg -> pkg.startsWith("org.apache.camel"))
                .toList();
        assertThat(camelPackages).contains("org.apache.camel", "org.apache.camel.spi", "org.apache.camel.main");
        for (String pkg : camelPackages) {
            assertThat(imports.get(pkg)).as(pkg).contains("version=\"[" + camel + ",5)\"");
        }
        imports.forEach((pkg, attributes) -> assertThat(attributes.contains("resolution:=optional"))
                .as(pkg + " optional: only camel-main, which only the jar's own program uses")
                .isEqualTo(pkg.equals("org.apache.camel.main")));
        assertThat(imports)
                .as("JAIN-SIP, which the SIP component cannot work without")
                .containsKeys("javax.sip", "gov.nist.javax.sip");
        assertThat(imports.keySet())
                .as("ucsync is the only provider of its packages")
                .noneMatch(pkg -> pkg.startsWith("io.ucsync"));
    }

    private static Attributes manifest() throws IOException {
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            return new Manifest(in).getMainAttributes();
        }
    }

    /** The packages of the bundle's classes. */
    private static List<String> ucsyncPackages() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("io/ucsync"))) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> CLASSES.relativize(file.getParent()).toString().replace('/', '.'))
                    .distinct()
                    .sorted()
                    .toList();
        }
    }

    /** An OSGi header's clauses: package name to its attributes and directives (commas inside quotes do not split). */
    private static Map<String, String> clauses(String header) {
        Map<String, String> clauses = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        for (String clause : parts) {
            int semicolon = clause.indexOf(';');
            clauses.put(
                    semicolon < 0 ? clause : clause.substring(0, semicolon),
                    semicolon < 0 ? "" : clause.substring(semicolon + 1));
        }
        return clauses;
    }

    private static String pomValue(String regex) throws IOException {
        Matcher value = Pattern.compile(regex).matcher(Files.readString(Path.of("pom.xml")));
        assertThat(value.find()).as(regex).isTrue();
        return value.group(1);
    }
}
