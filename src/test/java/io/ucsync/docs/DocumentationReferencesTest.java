package io.ucsync.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configuration files, routes, code and tests point readers at sections of README.md and of the reference in
 * src/main/docs by file and heading ({@code src/main/docs/engine-and-routes.md "Timers"}, {@code README "The two
 * commands"}), at sections of the TLW/1 write-up by number ({@code src/main/docs/tlw1.md section 5}, {@code sections
 * 5-7}, {@code sections 4 and 5}), and the documents link each other; every such file, section and anchor must exist,
 * or the reader is sent nowhere.
 */
class DocumentationReferencesTest {

    /**
     * A citation of a document's section by its heading, or by the start of its heading, possibly as the text of a
     * Markdown link ({@code README "[The two commands](../../../README.md#the-two-commands)"}).
     */
    private static final Pattern SECTION_CITATION =
            Pattern.compile("(README|src/main/docs/[\\w.-]+\\.(?:md|adoc))(?:'s)?,? \\\\?\"\\[?([^\"\\\\\\[\\]]+)");

    private static final Path TLW1 = Path.of("src/main/docs/tlw1.md");
    /** A citation of one section, a range ("5-7") or a list ("4 and 5", "4, 5"). */
    private static final Pattern TLW1_SECTIONS =
            Pattern.compile("tlw1\\.md,? sections? (\\d+(?:\\s*(?:-|–|,|and)\\s*\\d+)*)");

    private static final Pattern TLW1_HEADING = Pattern.compile("^## (\\d+)\\. ");
    /** A Markdown link or image, its text possibly broken over lines: the target is group 1. */
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    private static final Path[] CITING_FILES = {
        Path.of("config"),
        Path.of("routes"),
        Path.of("src/main"),
        Path.of("src/test/java"),
        Path.of("src/test/peers"),
        Path.of("src/test/resources/prometheus"),
        Path.of("pom.xml"),
        Path.of("examples/spring-boot/pom.xml"),
        Path.of(".ci")
    };

    @Test
    void everyDocumentSectionThatTheFilesCiteExists() throws IOException {
        List<String> dangling = new ArrayList<>();
        int citations = 0;
        for (Map.Entry<Path, String> file : texts(CITING_FILES).entrySet()) {
            Matcher citation = SECTION_CITATION.matcher(file.getValue());
            while (citation.find()) {
                citations++;
                Path document = Path.of(citation.group(1).equals("README") ? "README.md" : citation.group(1));
                String section = citation.group(2);
                if (!Files.isRegularFile(document)) {
                    dangling.add(file.getKey() + ": " + citation.group() + " (no file " + document + ")");
                } else if (headings(document).stream().noneMatch(heading -> heading.startsWith(section))) {
                    dangling.add(file.getKey() + ": " + citation.group() + " (no such heading in " + document + ")");
                }
            }
        }
        assertThat(citations)
                .as("citations of document sections found, the pattern still matching how they are written")
                .isGreaterThan(20);
        assertThat(dangling)
                .as("citations of document sections that do not exist")
                .isEmpty();
    }

    @Test
    void everyLinkOfTheDocumentsReachesAFileAndHeading() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("src/main/docs"))) {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> dangling = new ArrayList<>();
        int links = 0;
        for (Path document : documents) {
            Matcher link = MARKDOWN_LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                links++;
                int hash = target.indexOf('#');
                Path file = hash == 0
                        ? document
                        : document.resolveSibling(hash < 0 ? target : target.substring(0, hash))
                                .normalize();
                if (!Files.exists(file)) {
                    dangling.add(document + ": " + target + " (no file " + file + ")");
                } else if (hash >= 0
                        && !headings(file).stream()
                                .map(DocumentationReferencesTest::anchor)
                                .collect(Collectors.toSet())
                                .contains(target.substring(hash + 1))) {
                    dangling.add(document + ": " + target + " (no heading with that anchor in " + file + ")");
                }
            }
        }
        assertThat(links)
                .as("relative links found in README.md and src/main/docs")
                .isGreaterThan(20);
        assertThat(dangling).as("links to files or headings that do not exist").isEmpty();
    }

    @Test
    void everyTlw1SectionThatTheFilesCiteExists() throws IOException {
        Set<Integer> sections = Files.readAllLines(TLW1).stream()
                .map(TLW1_HEADING::matcher)
                .filter(Matcher::find)
                .map(heading -> Integer.parseInt(heading.group(1)))
                .collect(Collectors.toSet());
        assertThat(sections).as("numbered sections of %s", TLW1).isNotEmpty();
        List<String> dangling = new ArrayList<>();
        int citations = 0;
        Map<Path, String> texts =
                texts(Path.of("config"), Path.of("routes"), Path.of("src/main"), Path.of("src/test/java"));
        texts.putAll(texts(Path.of("README.md")));
        for (Map.Entry<Path, String> file : texts.entrySet()) {
            Matcher citation = TLW1_SECTIONS.matcher(file.getValue());
            while (citation.find()) {
                citations++;
                for (String number : citation.group(1).split("\\s*(?:-|–|,|and)\\s*")) {
                    if (!sections.contains(Integer.parseInt(number))) {
                        dangling.add(file.getKey() + ": " + citation.group() + " (no section " + number + ")");
                    }
                }
            }
        }
        assertThat(citations)
                .as("citations of %s found, the pattern still matching how they are written", TLW1)
                .isGreaterThan(20);
        assertThat(dangling)
                .as("citations of sections %s does not have (it has %s)", TLW1, sections)
                .isEmpty();
    }

    /** The headings of a Markdown ("## Timers") or AsciiDoc ("== URI format") document, without their marks. */
    private static List<String> headings(Path document) throws IOException {
        List<String> headings = new ArrayList<>();
        boolean inFence = false;
        for (String line : Files.readAllLines(document)) {
            if (line.startsWith("```") || line.equals("----")) {
                inFence = !inFence;
            } else if (!inFence && line.matches("^(#+|=+) .*")) {
                headings.add(line.replaceFirst("^(#+|=+)\\s*", "").trim());
            }
        }
        return headings;
    }

    /** The anchor GitHub gives a heading: lower case, punctuation but - and _ dropped, spaces as hyphens. */
    private static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    /** The text of every file under the roots, comment lines joined so that a reference broken over two is whole. */
    private static Map<Path, String> texts(Path... roots) throws IOException {
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                // images (the dashboard's screenshot in src/main/docs) are no text to name a section in
                files.filter(Files::isRegularFile)
                        .filter(file -> !file.toString().endsWith(".png"))
                        .forEach(file -> texts.put(file, joined(file)));
            }
        }
        return texts;
    }

    private static String joined(Path file) {
        try {
            return Files.readString(file).replaceAll("\\s*\\n\\s*(\\*|#|//)?\\s*", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
