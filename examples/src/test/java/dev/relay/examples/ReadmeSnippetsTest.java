package dev.relay.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.examples.ReadmeSnippets.Snippet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every java block of README.md compiles exactly as written; ReadmeSnippetsIT runs the servers among them. */
class ReadmeSnippetsTest {

    /** The blocks the README has today; one that goes missing, or that the extraction misses, fails here. */
    static final List<String> EXPECTED = List.of("ChatServer", "LoggingChatServer", "HelloClient", "RawRelayServer");

    @Test
    void everyJavaBlockOfTheReadmeCompilesAsWritten(@TempDir Path classes) throws IOException {
        List<Snippet> snippets = ReadmeSnippets.javaBlocks(ReadmeSnippets.readme());
        assertThat(snippets).extracting(Snippet::className)
                .doesNotHaveDuplicates()
                .hasSizeGreaterThanOrEqualTo(EXPECTED.size())
                .containsAll(EXPECTED);
        List<String> failures = new ArrayList<>();
        for (Snippet snippet : snippets) {
            try {
                ReadmeSnippets.compile(snippet, classes.resolve(snippet.className()));
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).as("javac on the README's java blocks").isEmpty();
    }

    @Test
    void aBlockThatDoesNotCompileIsReportedAtItsReadmeLine(@TempDir Path dir) throws IOException {
        Path readme = Files.writeString(dir.resolve("README.md"), String.join("\n",
                "# Title",
                "",
                "```java",
                "public final class Broken {",
                "    public static void main(String[] args) {",
                "        undefined.call();",
                "    }",
                "}",
                "```",
                ""));
        List<Snippet> snippets = ReadmeSnippets.javaBlocks(readme);
        assertThat(snippets).containsExactly(new Snippet(4, String.join("\n",
                "public final class Broken {",
                "    public static void main(String[] args) {",
                "        undefined.call();",
                "    }",
                "}",
                ""), "Broken"));
        assertThatThrownBy(() -> ReadmeSnippets.compile(snippets.get(0), dir.resolve("classes")))
                .hasMessageContaining("the README's java block at line 4 (Broken) does not compile")
                .hasMessageContaining("README.md:6: error: cannot find symbol");
    }

    @Test
    void aFragmentOrAnUnclosedBlockIsRefused(@TempDir Path dir) throws IOException {
        Path fragment = Files.writeString(dir.resolve("fragment.md"), "text\n```java\nint x = 1;\n```\n");
        assertThatThrownBy(() -> ReadmeSnippets.javaBlocks(fragment))
                .hasMessageStartingWith("README.md:3: a java block must be a complete file");
        Path unclosed = Files.writeString(dir.resolve("unclosed.md"), "```java\npublic class A {}\n");
        assertThatThrownBy(() -> ReadmeSnippets.javaBlocks(unclosed))
                .hasMessage("README.md:1: the java block is never closed");
        Path titled = Files.writeString(dir.resolve("titled.md"), "```java title=\"A.java\"\n```\n");
        assertThatThrownBy(() -> ReadmeSnippets.javaBlocks(titled))
                .hasMessageStartingWith("README.md:1: a java block opens with a bare ```java");
    }
}
