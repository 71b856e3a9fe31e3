package io.github.ttforwarder.support;

import com.fasterxml.jackson.databind.JsonNode;

/** Dotted paths into JSON as the behaviour cases write them: {@code data.0.user.email}. */
public final class JsonPaths {

    private JsonPaths() {
    }

    /** @return the node at the path, or null when any step is missing. */
    public static JsonNode at(JsonNode root, String dotted) {
        JsonNode n = root;
        for (String step : dotted.split("\\.")) {
            if (n == null) {
                return null;
            }
            if (n.isArray() && step.chars().allMatch(Character::isDigit)) {
                n = n.get(Integer.parseInt(step));
            } else {
                n = n.get(step);
            }
        }
        return n;
    }

    /** JSON equality where numbers compare by value (20 equals 20.0). */
    public static boolean sameJson(JsonNode expected, JsonNode actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!sameJson(expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isObject() && actual.isObject()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            var it = expected.fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (!sameJson(expected.get(f), actual.get(f))) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }
}
