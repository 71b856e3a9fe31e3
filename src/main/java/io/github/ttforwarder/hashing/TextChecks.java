package io.github.ttforwarder.hashing;

/**
 * Characters no value sent to TikTok may hold: C0/C1 control characters (after trimming; tab, CR and LF are
 * allowed only where a caller says so, e.g. free text), the Unicode bidirectional formatting characters
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, used to disguise text), zero-width space U+200B, the
 * byte-order mark U+FEFF, unpaired surrogates and U+FFFD (what a broken encoding leaves behind).
 */
public final class TextChecks {

    /** The reason given for a value with such characters (never the value itself). */
    public static final String CONTROL_REASON = "contains control or bidirectional-formatting characters";

    private TextChecks() {
    }

    /**
     * @param s          a value (already trimmed), not null
     * @param lineBreaks whether tab, CR and LF are allowed (free text)
     * @return true when the value holds none of the refused characters
     */
    public static boolean clean(String s, boolean lineBreaks) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                if (!(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                    return false;
                }
            } else if (c == 0x061C || c >= 0x200B && (isFormatting(c) || c == 0xFEFF || c == 0xFFFD)) {
                return false;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** @return true for a value without control characters (line breaks included). */
    public static boolean clean(String s) {
        return clean(s, false);
    }

    private static boolean isFormatting(char c) {
        return c == 0x200B || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }
}
