package io.dualrepo.repositories;

import io.dualrepo.DualRepo;
import io.dualrepo.generated.Decorated;
import io.dualrepo.generated.ReadMethod;
import io.dualrepo.generated.WriteMethod;
import java.util.Optional;

/**
 * What dual-repo-processor generates for {@link Shelf}, written by hand (core's tests cannot run the processor), with
 * the repository name a constructor argument so that one interface can stand for several repositories.
 */
final class DualShelf implements Shelf {

    private final ReadMethod<Shelf> find;
    private final WriteMethod<Shelf> put;

    DualShelf(String repository, Shelf oldModel, Shelf newModel, DualRepo dualRepo) {
        Decorated<Shelf> decorated = Decorated.of(dualRepo, repository, Shelf.class, oldModel, newModel);
        this.find = decorated.read("find", String.class);
        this.put = decorated.write("put", Item.class);
    }

    @Override
    public Optional<Item> find(String id) {
        return find.call(null, model -> model.find(id));
    }

    @Override
    public void put(Item item) {
        put.call(null, new Object[] {item}, model -> {
            model.put(item);
            return null;
        });
    }
}
