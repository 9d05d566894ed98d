package io.dualrepo.compare;

/**
 * One place where the two models disagree.
 *
 * @param path where, from the read's result: {@code $} is the result itself, {@code $.status} a field,
 *     {@code $.items[id=7]} an element of a list of entities, by its key, {@code $.tags[2]} an element of another
 *     list, by its position, {@code $.tags[?]} an element of a multiset, {@code $.byId[42]} a map value
 * @param oldValue the old model's value, rendered for people: control characters escaped, long values cut,
 *     sensitive fields shown as {@code ***}
 * @param newValue the new model's value, rendered the same way
 */
public record Difference(String path, String oldValue, String newValue) {

    @Override
    public String toString() {
        return path + ": old=" + oldValue + " new=" + newValue;
    }
}
