package io.github.ttforwarder.security;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Finds and masks plain-text personal data — e-mail addresses and phone numbers — in text that leaves the forwarder
 * towards people: answers, log lines, dead letters, admin listings. Whatever field a value came in (an e-mail typed
 * into {@code pixel} or {@code event} is still an e-mail).
 *
 * <p>What counts: an e-mail address ({@code local@domain.tld}, also inside URLs, percent-encoded {@code %40} too); a
 * phone number written as one — {@code +} and 7 to 15 digits (spaces, dots, dashes, brackets allowed), or a
 * bracketed area code / dash-grouped number such as {@code (415) 555-0123} or {@code 415-555-0123}. Bare digit runs
 * are not masked (they are timestamps, counts, ids). SHA-256 hashes (64 hex) never match. Masks keep the kind:
 * {@value #EMAIL_MASK}, {@value #PHONE_MASK}. Pure and thread-safe.
 */
public final class PersonalData {

    public static final String EMAIL_MASK = "<e-mail>";
    public static final String PHONE_MASK = "<phone>";

    private static final Pattern EMAIL = Pattern.compile(
            // starts only at the beginning of a run (linear time on hostile input), RFC 5321 lengths
            "(?<![A-Za-z0-9._%+-])(?:[A-Za-z0-9._+-]|%(?!40)){1,64}+(?:@|%40)(?:[A-Za-z0-9-]{1,63}+\\.)+[A-Za-z]{2,63}+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+])(?:\\+\\s?\\d(?:[\\s.()-]{0,2}\\d){6,14}"
                    + "|\\(\\d{2,5}\\)[\\s.-]?\\d{2,5}(?:[\\s.-]?\\d{2,5}){1,3}"
                    + "|\\d{2,5}-\\d{2,5}-\\d{3,5}(?:-\\d{2,5})?"
                    + "|\\d{3}[.\\s]\\d{3}[.\\s]\\d{4})(?![\\w])");

    private PersonalData() {
    }

    /** @return true when the text holds an e-mail address or a phone number */
    public static boolean contains(String s) {
        return kind(s) != null;
    }

    /** @return the kind of personal data the text holds: "an e-mail address", "a phone number", or null */
    public static String kind(String s) {
        if (s == null) {
            return null;
        }
        if ((s.indexOf('@') >= 0 || s.contains("%40")) && EMAIL.matcher(s).find()) {
            return "an e-mail address";
        }
        return hasDigitRun(s) && PHONE.matcher(s).find() ? "a phone number" : null;
    }

    /** @return the text with every e-mail address and phone number replaced by its mask; null stays null */
    public static String mask(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = s;
        if (out.indexOf('@') >= 0 || out.contains("%40")) {
            out = EMAIL.matcher(out).replaceAll(Matcher.quoteReplacement(EMAIL_MASK));
        }
        if (hasDigitRun(out)) {
            out = PHONE.matcher(out).replaceAll(Matcher.quoteReplacement(PHONE_MASK));
        }
        return out;
    }

    /**
     * Cheap, exact pre-check for {@link #PHONE}: every match of it is a run of digits, {@code +}, white space,
     * {@code .}, {@code (}, {@code )} and {@code -} holding at least 6 digits (the shortest alternative,
     * {@code (12) 34-56}, has 6), so text without such a run cannot match and the regex is not run. Keeps the scan
     * of a whole answer — UUIDs, counts, names — to one pass over its characters.
     */
    private static boolean hasDigitRun(String s) {
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits >= 6) {
                    return true;
                }
            } else if (!(c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '+' || c == '\t' || c == '\n'
                    || c == '\r' || c == '\f' || c == 0x0B)) {
                digits = 0;
            }
        }
        return false;
    }

    /**
     * Masks every string of a JSON tree in place, except the values of the given keys (identifiers the protocol
     * echoes, such as {@code event_id}) and field names.
     *
     * @param node   a JSON tree (objects and arrays are walked)
     * @param exempt keys whose string values are left as they are
     * @return the same node
     */
    public static JsonNode maskJson(JsonNode node, Set<String> exempt) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    if (!exempt.contains(e.getKey())) {
                        String m = mask(v.textValue());
                        if (!m.equals(v.textValue())) {
                            e.setValue(TextNode.valueOf(m));
                        }
                    }
                } else {
                    maskJson(v, exempt);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual()) {
                    a.set(i, TextNode.valueOf(mask(v.textValue())));
                } else {
                    maskJson(v, exempt);
                }
            }
        }
        return node;
    }
}
