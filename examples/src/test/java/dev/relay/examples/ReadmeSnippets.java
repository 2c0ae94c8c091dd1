package dev.relay.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The {@code ```java} blocks of the repository's README.md, each a complete source file, and javac for
 * them against this module's test class path (every library module, Netty and the JDK), as a reader
 * who copies one into a project of their own would compile it.
 */
public final class ReadmeSnippets {

    private static final Pattern PUBLIC_CLASS = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);

    private ReadmeSnippets() {
    }

    /**
     * One {@code ```java} block.
     *
     * @param line the README line of the block's first line of code (1-based)
     */
    public record Snippet(int line, String code, String className) {
    }

    /** The README.md at the top of the repository, found by walking up from the working directory. */
    public static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(readme) && Files.isRegularFile(pom)
                        && Files.readString(pom).contains("<module>examples</module>")) {
                    return readme;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("no README.md next to the parent pom above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code ```java} block of {@code readme}, in order; fails on a block it cannot take as a file. */
    public static List<Snippet> javaBlocks(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```java")) {
                continue;
            }
            if (!fence.equals("```java")) {
                throw new AssertionError("README.md:" + (i + 1) + ": a java block opens with a bare ```java, not " + fence);
            }
            int first = i + 1;
            int end = first;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new AssertionError("README.md:" + (i + 1) + ": the java block is never closed");
            }
            String code = String.join("\n", lines.subList(first, end)) + "\n";
            Matcher name = PUBLIC_CLASS.matcher(code);
            if (!name.find() || !code.contains("public static void main(String[] args)")) {
                throw new AssertionError("README.md:" + (first + 1) + ": a java block must be a complete file: "
                        + "imports and a public class with a main method");
            }
            snippets.add(new Snippet(first + 1, code, name.group(1)));
            i = end;
        }
        return snippets;
    }

    /**
     * Compiles {@code snippet} into {@code classes} with all warnings as errors; fails with javac's
     * diagnostics, each at its README line.
     */
    public static void compile(Snippet snippet, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new AssertionError("no system Java compiler: run the tests on a JDK, not a JRE");
        }
        Files.createDirectories(classes);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(
                URI.create("string:///" + snippet.className() + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return snippet.code();
            }
        };
        List<String> options = List.of("--release", "17", "-proc:none", "-Xlint:all", "-Werror",
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString());
        boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(source)).call();
        if (!ok) {
            StringBuilder report = new StringBuilder("the README's java block at line " + snippet.line() + " ("
                    + snippet.className() + ") does not compile:");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                long line = d.getLineNumber() > 0 ? snippet.line() + d.getLineNumber() - 1 : snippet.line();
                report.append("\nREADME.md:").append(line).append(": ")
                        .append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
                        .append(d.getMessage(Locale.ROOT));
            }
            throw new AssertionError(report.toString());
        }
    }
}
