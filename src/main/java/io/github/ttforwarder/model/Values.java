package io.github.ttforwarder.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Null-safe reading of parsed JSON (maps, lists, strings, numbers, booleans) as the inbound events hold it.
 */
public final class Values {

    private Values() {
    }

    /**
     * Follows a path of map keys.
     *
     * @param root a parsed JSON value
     * @param keys map keys, outermost first
     * @return the value at the path, or null when any step is missing or not an object
     */
    public static Object get(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    /** @return the map at the path, or null when absent or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object root, String... keys) {
        return get(root, keys) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** @return the list at the path, or an empty list when absent or not an array. */
    public static List<?> list(Object root, String... keys) {
        return get(root, keys) instanceof List<?> l ? l : List.of();
    }

    /**
     * @return the scalar at the path as trimmed text (numbers without exponent or trailing zeros are
     *         written plainly, e.g. {@code 273196}), or null when absent, blank, or not a scalar
     */
    public static String text(Object root, String... keys) {
        return text(get(root, keys));
    }

    /** @return a scalar as trimmed text, or null when null, blank, or not a scalar. */
    public static String text(Object value) {
        String s;
        if (value instanceof String str) {
            s = str.trim();
        } else if (value instanceof BigDecimal bd) {
            s = bd.stripTrailingZeros().toPlainString();
        } else if (value instanceof Double || value instanceof Float) {
            s = BigDecimal.valueOf(((Number) value).doubleValue()).stripTrailingZeros().toPlainString();
        } else if (value instanceof Number || value instanceof Boolean) {
            s = value.toString();
        } else {
            return null;
        }
        return s.isEmpty() ? null : s;
    }

    /**
     * @return a JSON number, or a string holding a plain decimal number ({@code "49.99"}), as BigDecimal; null
     *         when absent or not numeric (e.g. {@code "(null)"})
     */
    public static BigDecimal number(Object value) {
        if (value instanceof BigDecimal bd) {
            return bd;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(n.toString()) : null;
        }
        if (value instanceof String s) {
            String t = s.trim();
            if (t.isEmpty() || t.length() > 40) {
                return null;
            }
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (!(c >= '0' && c <= '9') && c != '.' && !(i == 0 && (c == '-' || c == '+'))) {
                    return null;
                }
            }
            try {
                return new BigDecimal(t);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** @return true for {@code true}, {@code "true"}, {@code 1}; false for anything else. */
    public static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            return s.trim().equalsIgnoreCase("true");
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return false;
    }

    /**
     * @param o a value of the parsed JSON tree (String, Number, Boolean, List, Map or null)
     * @return its JSON type, for reasons: {@code string}, {@code number}, {@code boolean}, {@code array},
     *         {@code object} or {@code null}
     */
    public static String jsonKind(Object o) {
        if (o instanceof String) {
            return "string";
        }
        if (o instanceof Number) {
            return "number";
        }
        if (o instanceof Boolean) {
            return "boolean";
        }
        if (o instanceof java.util.List) {
            return "array";
        }
        return o == null ? "null" : "object";
    }
}
