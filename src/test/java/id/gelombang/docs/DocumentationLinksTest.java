package id.gelombang.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README is the front door and the pages it links to are the documentation: every relative link
 * in the repository's Markdown reaches a file that exists and, when it names a section, a heading of
 * that file (as GitHub derives a heading's anchor).
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
    private static final Pattern CODE_BLOCK = Pattern.compile("```.*?```", Pattern.DOTALL);

    @Test
    void everyRelativeLinkReachesAFileAndItsSection() throws IOException {
        List<Path> pages = markdownPages();
        assertThat(pages).contains(Path.of("README.md"), Path.of("bench", "README.md"));
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            String text = CODE_BLOCK.matcher(Files.readString(page)).replaceAll("");
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue; // https:, mailto: and the like
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such section)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void theReadmeStaysAFrontDoor() throws IOException {
        assertThat(Files.readAllLines(ROOT.resolve("README.md"))).hasSizeLessThanOrEqualTo(250);
    }

    private static List<Path> markdownPages() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.toAbsolutePath())) {
            Path base = ROOT.toAbsolutePath();
            return files.map(base::relativize)
                    .filter(path -> path.toString().endsWith(".md"))
                    .filter(path -> {
                        for (Path part : path) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.equals("target") || name.equals("node_modules")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!inCode && heading.matches()) {
                String slug = heading.group(1).strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                        .replace(' ', '-');
                int count = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(count == 0 ? slug : slug + "-" + count);
            }
        }
        return anchors;
    }
}
