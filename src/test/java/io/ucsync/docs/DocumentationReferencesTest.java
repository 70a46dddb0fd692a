package io.ucsync.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The configuration files, routes and code point readers at sections of README.md by name ({@code README "Timers"})
 * and at sections of the TLW/1 write-up by number ({@code src/main/docs/tlw1.md section 5}, {@code sections 5-7},
 * {@code sections 4 and 5}); every such section must exist, or the reader is sent nowhere.
 */
class DocumentationReferencesTest {

    private static final Pattern README_SECTION = Pattern.compile("README \"([^\"]+)\"");
    private static final Path TLW1 = Path.of("src/main/docs/tlw1.md");
    /** A citation of one section, a range ("5-7") or a list ("4 and 5", "4, 5"). */
    private static final Pattern TLW1_SECTIONS = Pattern.compile("tlw1\\.md,? sections? (\\d+(?:\\s*(?:-|–|,|and)\\s*\\d+)*)");
    private static final Pattern TLW1_HEADING = Pattern.compile("^## (\\d+)\\. ");

    @Test
    void everyReadmeSectionThatTheShippedFilesNameExists() throws IOException {
        Set<String> headings = Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").trim()).collect(Collectors.toSet());
        List<String> dangling = new ArrayList<>();
        texts(Path.of("config"), Path.of("routes"), Path.of("src/main")).forEach((file, text) -> {
            Matcher reference = README_SECTION.matcher(text);
            while (reference.find()) {
                if (headings.stream().noneMatch(heading -> heading.startsWith(reference.group(1)))) {
                    dangling.add(file + ": README \"" + reference.group(1) + "\"");
                }
            }
        });
        assertThat(dangling).as("references to README sections that do not exist").isEmpty();
    }

    @Test
    void everyTlw1SectionThatTheFilesCiteExists() throws IOException {
        Set<Integer> sections = Files.readAllLines(TLW1).stream().map(TLW1_HEADING::matcher).filter(Matcher::find)
                .map(heading -> Integer.parseInt(heading.group(1))).collect(Collectors.toSet());
        assertThat(sections).as("numbered sections of %s", TLW1).isNotEmpty();
        List<String> dangling = new ArrayList<>();
        int citations = 0;
        Map<Path, String> texts = texts(Path.of("config"), Path.of("routes"), Path.of("src/main"), Path.of("src/test/java"));
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
        assertThat(citations).as("citations of %s found, the pattern still matching how they are written", TLW1)
                .isGreaterThan(20);
        assertThat(dangling).as("citations of sections %s does not have (it has %s)", TLW1, sections).isEmpty();
    }

    /** The text of every file under the roots, comment lines joined so that a reference broken over two is whole. */
    private static Map<Path, String> texts(Path... roots) throws IOException {
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                // images (README's screenshot in src/main/docs) are no text to name a section in
                files.filter(Files::isRegularFile).filter(file -> !file.toString().endsWith(".png"))
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
