package io.dualrepo.processor.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decorator the build generated for {@link NoteRepository} is wired to the runtime: each call reaches the
 * model the route names. The runtime's behaviour itself is tested in {@code dual-repo-core}.
 */
class GeneratedDecoratorWiringTest {

    private final InMemoryNotes oldNotes = new InMemoryNotes();
    private final InMemoryNotes newNotes = new InMemoryNotes();
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final List<DualRepo> runtimes = new ArrayList<>();

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(DualRepo::close);
    }

    private NoteRepository decorator(io.dualrepo.routing.RouteSource routeSource) {
        DualRepo dualRepo = DualRepo.builder()
                .routeSource(routeSource)
                .meterRegistry(new SimpleMeterRegistry())
                .comparisonMode(ComparisonMode.SYNC)
                // Wiring, not migration order: stages are set in any order here (TransitionsTest has the rules).
                .enforceTransitions(false)
                .build();
        runtimes.add(dualRepo);
        return new DualNoteRepository(oldNotes, newNotes, dualRepo);
    }

    @Test
    void readsFromTheModelTheStageNames() {
        oldNotes.save(new Note("1", "ada", "old text"));
        newNotes.save(new Note("1", "ada", "new text"));
        NoteRepository notes = decorator(routes);

        routes.set("notes", Stage.OLD_ONLY);
        assertThat(notes.findById("1")).map(Note::text).hasValue("old text");

        routes.set("notes", Stage.NEW_ONLY);
        assertThat(notes.findById("1")).map(Note::text).hasValue("new text");
    }

    @Test
    void writesToBothModelsWhenTheStageSaysBoth() {
        NoteRepository notes = decorator(routes);
        routes.set("notes", Stage.DUAL_WRITE);

        notes.save(new Note("2", "grace", "written twice"));

        assertThat(oldNotes.findById("2")).map(Note::text).hasValue("written twice");
        assertThat(newNotes.findById("2")).map(Note::text).hasValue("written twice");
    }

    @Test
    void copiesWhatOnlyTheOldModelHasIntoTheNewOneUnderReadThrough() {
        oldNotes.save(new Note("3", "alan", "not migrated yet"));
        NoteRepository notes = decorator(routes);
        routes.set("notes", Stage.readThrough(Comparison.OFF));

        assertThat(notes.findById("3")).map(Note::text).hasValue("not migrated yet");
        assertThat(newNotes.findById("3")).map(Note::text).hasValue("not migrated yet");
    }

    @Test
    void passesTheRoutingKeyArgumentToTheRouteSource() {
        oldNotes.save(new Note("4", "ada", "old"));
        newNotes.save(new Note("4", "ada", "new"));
        List<String> keys = new ArrayList<>();
        // Reads follow the key; writes are repository-wide, so the repository's route must write what "ada" reads.
        NoteRepository notes = decorator((repository, routingKey) -> {
            keys.add(routingKey);
            Route route = "ada".equals(routingKey) ? Stage.LIVE.route() : Stage.DUAL_WRITE.route();
            return Optional.of(route);
        });

        assertThat(notes.findByAuthor("ada")).extracting(Note::text).containsExactly("new");
        assertThat(notes.findById("4")).map(Note::text).hasValue("old");
        // The first call changes the repository's route (from the default), so the source is asked again under the
        // runtime's lock: an offer read before a newer route took effect must not bring the older one back.
        assertThat(keys).containsExactly(null, null, "ada", null);
    }

    /** A model kept in a map, standing for either side of the migration. */
    private static final class InMemoryNotes implements NoteRepository {

        private final Map<String, Note> notes = new ConcurrentHashMap<>();

        @Override
        public Optional<Note> findById(String id) {
            return Optional.ofNullable(notes.get(id));
        }

        @Override
        public List<Note> findByAuthor(String author) {
            return notes.values().stream().filter(note -> note.author().equals(author)).toList();
        }

        @Override
        public void save(Note note) {
            notes.put(note.id(), note);
        }
    }
}
