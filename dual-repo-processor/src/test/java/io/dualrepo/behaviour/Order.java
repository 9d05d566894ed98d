package io.dualrepo.behaviour;

import io.dualrepo.Sensitive;
import java.util.List;

public record Order(String id, String customerId, String status, @Sensitive String cardNumber, List<String> items) {

    static Order of(String id, String customerId) {
        return new Order(id, customerId, "open", "4111-1111-1111-1111", List.of("book", "pen"));
    }

    Order withStatus(String newStatus) {
        return new Order(id, customerId, newStatus, cardNumber, items);
    }

    Order withCardNumber(String newCardNumber) {
        return new Order(id, customerId, status, newCardNumber, items);
    }
}
