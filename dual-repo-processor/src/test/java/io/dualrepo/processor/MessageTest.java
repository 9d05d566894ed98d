package io.dualrepo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every message carries an id of its own, which users search the docs by: {@link DocumentationTest} checks that
 * each id heads a section of docs/processor-errors.md.
 */
class MessageTest {

    @Test
    void givesEveryMessageAnIdOfItsOwn() {
        assertThat(Stream.of(Message.values()).map(Message::id))
                .as("the ids of Message")
                .allSatisfy(id -> assertThat(id).matches("DR\\d{3}"))
                .doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Message.class)
    void startsEachMessageWithItsIdInBrackets(Message message) {
        Object[] arguments = {"a", "b", "c", "d"};
        if (message == Message.COPY_WITH_ARITY) {
            arguments[3] = 2;
        }

        String text = message.format(arguments);

        assertThat(text).startsWith("[" + message.id() + "] ");
        assertThat(text.indexOf("[" + message.id() + "]", 1)).as("a second id in %s", text).isEqualTo(-1);
    }
}
