package io.dualrepo.processor.usage;

import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/** A real {@code @DualModel} interface: the build's test-compile step generates {@code DualNoteRepository}. */
@DualModel("notes")
public interface NoteRepository {

    @ReadThrough(copyWith = "save")
    Optional<Note> findById(String id);

    List<Note> findByAuthor(@RoutingKey String author);

    void save(Note note);
}
