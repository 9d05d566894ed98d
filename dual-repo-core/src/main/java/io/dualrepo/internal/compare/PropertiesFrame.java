package io.dualrepo.internal.compare;

import org.jspecify.annotations.Nullable;

/** A record or bean, compared property by property. */
final class PropertiesFrame extends Frame {

    private final Property[] properties;
    private final Object a;
    private final Object b;
    private int next;

    PropertiesFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, Property[] properties,
            Object a, Object b) {
        super(parent, ignored, masked);
        this.properties = properties;
        this.a = a;
        this.b = b;
        this.childKind = FIELD;
    }

    @Override
    boolean advance(Walk walk) {
        StructuralComparator comparator = walk.comparator();
        while (next < properties.length) {
            Property property = properties[next++];
            String name = property.name;
            if (comparator.ignoredAnywhere(name)) {
                continue;
            }
            IgnoredFields.Node child = ignored == null ? null : ignored.child(name);
            if (child != null && child.ignored()) {
                continue;
            }
            boolean childMasked = masked || property.sensitive || comparator.sensitiveName(name);
            childRef = name;
            if (property.isPrimitive()) {
                if (!property.primitiveEquals(a, b)) {
                    walk.differ(this, true, property.read(a), property.read(b), childMasked);
                }
            } else {
                walk.compare(this, property.read(a), property.read(b), child, childMasked);
            }
            if (walk.yielded(this)) {
                return true;
            }
        }
        return false;
    }
}
