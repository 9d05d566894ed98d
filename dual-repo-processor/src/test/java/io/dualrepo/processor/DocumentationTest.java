package io.dualrepo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The prose says what the code does. Every {@link Message} has its own section in docs/processor-errors.md,
 * headed with its id and name, with its kind, id and wording shown the way the processor reports them. The name
 * prefixes of {@link Operation} are the ones listed in the javadoc of {@code @Read} and {@code @Write} and in the
 * guide. Paths are relative to this module, which is surefire's working directory.
 */
class DocumentationTest {

    private static final Path ERRORS = Path.of("..", "docs", "processor-errors.md");
    private static final Path GUIDE = Path.of("..", "docs", "guide.md");
    private static final Path CORE = Path.of("..", "dual-repo-core", "src", "main", "java", "io", "dualrepo");

    private static final Pattern HEADING = Pattern.compile("^### (.*)$", Pattern.MULTILINE);
    private static final Pattern NEXT_HEADING = Pattern.compile("^#{1,3} ", Pattern.MULTILINE);
    private static final Pattern FORMAT_ARGUMENT = Pattern.compile("%(\\d+\\$)?[sd]");
    private static final Pattern JAVADOC_PREFIXES =
            Pattern.compile("upper-case letter:\\s*((?:\\{@code \\w+\\},?\\s*)+)");
    private static final Pattern CODE_ITEM = Pattern.compile("\\{@code (\\w+)\\}");
    private static final Pattern BACKTICKED = Pattern.compile("`(\\w+)`");

    @Test
    void givesEveryMessageASectionHeadedWithItsIdAndName() throws IOException {
        List<String> headings = HEADING.matcher(read(ERRORS)).results()
                .map(heading -> heading.group(1).strip())
                .toList();

        assertThat(headings)
                .as("the ### headings of %s against the ids and constants of Message", ERRORS)
                .containsExactlyInAnyOrderElementsOf(
                        Stream.of(Message.values()).map(DocumentationTest::heading).toList());
    }

    @ParameterizedTest
    @EnumSource(Message.class)
    void showsEachMessageWithTheKindAndWordingItIsReportedWith(Message message)
            throws IOException, ReflectiveOperationException {
        String section = section(message);
        String kind = message.kind() == Diagnostic.Kind.WARNING ? "warning" : "error";
        List<String> shown = section.lines()
                .filter(line -> line.startsWith("error: ") || line.startsWith("warning: "))
                .toList();

        assertThat(section.strip())
                .as("the section of %s opens with its kind", message)
                .startsWith("**" + kind.substring(0, 1).toUpperCase(Locale.ROOT) + kind.substring(1) + "**");
        assertThat(shown)
                .as("the messages shown in the section of %s", message)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches(Pattern.quote(kind + ": [" + message.id() + "] ")
                        + firstLineOf((String) field(message, "format"))));
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void listsThePrefixesOfTheCodeInTheAnnotationsJavadoc(Operation operation)
            throws IOException, ReflectiveOperationException {
        Path annotation = CORE.resolve(operation == Operation.READ ? "Read.java" : "Write.java");
        String javadoc = read(annotation).lines()
                .map(line -> line.replaceFirst("^\\s*(/\\*\\*|\\*/|\\*)\\s?", ""))
                .collect(Collectors.joining(" "));
        Matcher list = JAVADOC_PREFIXES.matcher(javadoc);

        assertThat(list.find()).as("%s lists {@code} prefixes after \"upper-case letter:\"", annotation).isTrue();
        assertThat(groups(CODE_ITEM, list.group(1)))
                .as("the prefixes listed in %s", annotation)
                .isEqualTo(field(operation, "prefixes"));
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void listsThePrefixesOfTheCodeInTheGuide(Operation operation) throws IOException, ReflectiveOperationException {
        String kind = operation.name().toLowerCase(Locale.ROOT);
        Matcher row = Pattern.compile("^\\| " + kind + " \\|([^|]*)\\|", Pattern.MULTILINE).matcher(read(GUIDE));

        assertThat(row.find()).as("%s has a table row \"| %s |\"", GUIDE, kind).isTrue();
        assertThat(groups(BACKTICKED, row.group(1)))
                .as("the %s prefixes in the table of %s", kind, GUIDE)
                .isEqualTo(field(operation, "prefixes"));
    }

    /** {@code DR001 NOT_AN_INTERFACE}: a search for the id in the message, or for the constant, finds it. */
    private static String heading(Message message) {
        return message.id() + " " + message.name();
    }

    /** The text under a message's {@code ###} heading, up to the next heading. */
    private static String section(Message message) throws IOException {
        String errors = read(ERRORS);
        String name = heading(message);
        Matcher heading = Pattern.compile("^### " + Pattern.quote(name) + "\\s*$", Pattern.MULTILINE).matcher(errors);
        assertThat(heading.find()).as("%s has a heading \"### %s\"", ERRORS, name).isTrue();
        Matcher next = NEXT_HEADING.matcher(errors);
        int end = next.find(heading.end()) ? next.start() : errors.length();
        return errors.substring(heading.end(), end);
    }

    /** The first line of a message format as a pattern: its text taken literally, anything where an argument goes. */
    private static String firstLineOf(String format) {
        String firstLine = format.split("%n", -1)[0];
        Matcher argument = FORMAT_ARGUMENT.matcher(firstLine);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (argument.find()) {
            regex.append(Pattern.quote(firstLine.substring(last, argument.start()))).append(".+");
            last = argument.end();
        }
        return regex.append(Pattern.quote(firstLine.substring(last))).toString();
    }

    private static List<String> groups(Pattern pattern, String text) {
        return pattern.matcher(text).results().map(match -> match.group(1)).toList();
    }

    // Message and Operation keep their formats and prefixes private: the test reads the values the processor uses
    // rather than widening the processor's API for it.
    private static Object field(Enum<?> constant, String name) throws ReflectiveOperationException {
        Field field = constant.getDeclaringClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(constant);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
