package io.dualrepo.flags;

import java.util.ArrayList;
import java.util.List;

/** Unleash client feature payloads, as the flag service serves them and bootstrap files hold them. */
final class Payloads {

    private final List<String> features = new ArrayList<>();

    static Payloads features() {
        return new Payloads();
    }

    Payloads on(String flag) {
        features.add("{\"name\":\"" + flag + "\",\"enabled\":true,\"strategies\":[{\"name\":\"default\"}]}");
        return this;
    }

    Payloads off(String flag) {
        features.add("{\"name\":\"" + flag + "\",\"enabled\":false,\"strategies\":[{\"name\":\"default\"}]}");
        return this;
    }

    Payloads rollout(String flag, int percent) {
        features.add("{\"name\":\"" + flag + "\",\"enabled\":true,\"strategies\":[{\"name\":\"flexibleRollout\","
                + "\"parameters\":{\"rollout\":\"" + percent + "\",\"stickiness\":\"default\",\"groupId\":\""
                + flag + "\"},\"constraints\":[]}]}");
        return this;
    }

    Payloads stage(String flag, String variant) {
        features.add("{\"name\":\"" + flag + "\",\"enabled\":true,\"strategies\":[{\"name\":\"default\"}],"
                + "\"variants\":[{\"name\":\"" + variant + "\",\"weight\":1000,\"weightType\":\"variable\","
                + "\"stickiness\":\"default\"}]}");
        return this;
    }

    String json() {
        return "{\"version\":2,\"features\":[" + String.join(",", features) + "]}";
    }
}
