package io.ucsync.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The configuration files, routes and code point readers at sections of README.md by name ({@code README "Timers"});
 * every such section must exist, or the reader is sent nowhere.
 */
class DocumentationReferencesTest {

    private static final Pattern README_SECTION = Pattern.compile("README \"([^\"]+)\"");

    @Test
    void everyReadmeSectionThatTheShippedFilesNameExists() throws IOException {
        Set<String> headings = Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").trim()).collect(Collectors.toSet());
        List<String> dangling = new ArrayList<>();
        for (Path root : List.of(Path.of("config"), Path.of("routes"), Path.of("src/main"))) {
            try (Stream<Path> files = Files.walk(root)) {
                // images (README's screenshot in src/main/docs) are no text to name a section in
                for (Path file : files.filter(Files::isRegularFile).filter(file -> !file.toString().endsWith(".png")).toList()) {
                    // a reference may be broken over two comment lines: join them
                    String text = Files.readString(file).replaceAll("\\s*\\n\\s*(\\*|#|//)?\\s*", " ");
                    Matcher reference = README_SECTION.matcher(text);
                    while (reference.find()) {
                        if (headings.stream().noneMatch(heading -> heading.startsWith(reference.group(1)))) {
                            dangling.add(file + ": README \"" + reference.group(1) + "\"");
                        }
                    }
                }
            }
        }
        assertThat(dangling).as("references to README sections that do not exist").isEmpty();
    }
}
