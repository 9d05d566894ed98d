package io.dualrepo.behaviour;

/** A checked exception declared by the interface: the decorator must pass it through unchanged. */
public class OrderNotFoundException extends Exception {
    public OrderNotFoundException(String id) {
        super("no order " + id);
    }
}
