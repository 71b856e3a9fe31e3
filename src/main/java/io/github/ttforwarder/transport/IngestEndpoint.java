package io.github.ttforwarder.transport;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configured bus ingest endpoint ({@code forwarder.ingest.endpoints.<name>.*}, see docs/buses.md).
 *
 * @param name        the {@code <name>} of the keys (route id {@code bus-ingest-<name>})
 * @param uri         the Camel consumer URI with the forwarder's defaults added ({@link EndpointUris#withDefaults})
 * @param format      how a message body is read
 * @param charset     text encoding of the bodies (a UTF-8 byte order mark is skipped whatever it is)
 * @param csv         CSV settings (used only with {@link Format#CSV})
 * @param errorFolder local file endpoints: folder, relative to the file's folder or absolute, that unreadable files
 *                    are moved to with a {@code <file>.reason.txt} beside them
 */
public record IngestEndpoint(String name, String uri, Format format, Charset charset, Csv csv, String errorFolder) {

    /** How a message body becomes events. */
    public enum Format {
        /** Whatever {@code POST /events} accepts (one event, an array, {@code {"events":[…]}}, Adobe shapes); a body
         * holding several JSON values one after another is read as {@link #NDJSON}. */
        AUTO,
        /** One JSON value per line, each in any shape {@code /events} accepts; blank lines are skipped. */
        NDJSON,
        /** A CSV export with a header row; each record becomes one plain event through the column mapping. */
        CSV;

        /**
         * @param key   the configuration key (for the error message)
         * @param value configured value (case-insensitive)
         * @return the format
         * @throws IllegalArgumentException when it is none of auto, ndjson, csv
         */
        public static Format parse(String key, String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " must be auto, ndjson or csv, was '" + value + "'");
            }
        }
    }

    /**
     * CSV settings.
     *
     * @param separator column separator ({@code ,} by default; {@code ;} for many spreadsheet exports, {@code \t})
     * @param columns   event field path (dotted, e.g. {@code user.email}, {@code properties.contents.0.price}) →
     *                  header name of the column that fills it; empty: every header is itself a field path
     * @param constants event field path → value set on every record (e.g. {@code event=Purchase})
     */
    public record Csv(char separator, Map<String, String> columns, Map<String, String> constants) {

        /** @return header names the mapping needs (all must be present in a file's header) */
        public List<String> requiredHeaders() {
            return List.copyOf(columns.values());
        }
    }
}
