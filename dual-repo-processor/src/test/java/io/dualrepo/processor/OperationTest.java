package io.dualrepo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The name rules of {@code Read} and {@code Write}: a prefix counts only when a new word follows it. */
class OperationTest {

    @ParameterizedTest
    @CsvSource({
        "find, READ",
        "findById, READ",
        "getName, READ",
        "is, READ",
        "isOpen, READ",
        "hasChildren, READ",
        "existsById, READ",
        "countByStatus, READ",
        "listAll, READ",
        "save, WRITE",
        "saveAll, WRITE",
        "setStatus, WRITE",
        "markClosed, WRITE",
        "purgeAll, WRITE",
        "upsert, WRITE",
        "deleteById, WRITE",
    })
    void classifiesANameByItsPrefix(String name, Operation expected) {
        assertThat(Operation.named(name)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"issue", "settle", "finder", "getaway", "listen", "hashCode", "archiveAll", "Save", ""})
    void leavesANameWhosePrefixRunsIntoTheNextWordUnclassified(String name) {
        assertThat(Operation.named(name)).isEqualTo(Optional.empty());
    }
}
