package io.github.ttforwarder.transport;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.util.URISupport;

/**
 * The forwarder's defaults for a consumer URI, so that a message is acknowledged only after every event of it
 * reached a terminal state (docs/buses.md, "Semantics"). Options the user wrote are never changed; a default is
 * appended only when none of the options it depends on is present.
 *
 * <ul>
 * <li>{@code amqp:}, {@code jms:}, {@code activemq:} — {@code transacted=true&lazyCreateTransactionManager=false}
 *     (a local JMS transaction per message, committed after processing, rolled back on failure) unless
 *     {@code transacted} or an acknowledgement mode is set; {@code concurrentConsumers=10};
 *     {@code errorHandlerLogStackTrace=false}.</li>
 * <li>{@code sjms:}, {@code sjms2:} — {@code transacted=true}, {@code concurrentConsumers=10}.</li>
 * <li>{@code file:} — {@code move=.done} unless {@code move}, {@code delete} or {@code noop} is set;
 *     {@code readLock=changed} unless {@code readLock} or {@code doneFileName} is set (a file still being written
 *     is not read). {@code moveFailed} is refused: unreadable files are moved by the forwarder (with a reason file),
 *     and a file whose events could not be finished for another reason must stay where it is.</li>
 * <li>{@code ftp:}, {@code ftps:}, {@code sftp:} — {@code move=.done} and {@code moveFailed=.error} unless set.</li>
 * <li>{@code kafka:} — {@code breakOnFirstError=true} (a failed record is consumed again, not skipped).</li>
 * </ul>
 * Other schemes are used as written.
 */
public final class EndpointUris {

    /** Consumers per JMS endpoint when the URI does not say. */
    static final int DEFAULT_CONSUMERS = 10;

    private static final Set<String> SPRING_JMS = Set.of("amqp", "jms", "activemq");
    private static final Set<String> SJMS = Set.of("sjms", "sjms2");
    private static final Set<String> REMOTE_FILES = Set.of("ftp", "ftps", "sftp");

    private EndpointUris() {
    }

    /**
     * @param uri a Camel consumer URI as configured
     * @return the URI with the defaults above appended
     * @throws IllegalArgumentException when the URI has no scheme, its query cannot be parsed, or a {@code file:}
     *                                  URI sets {@code moveFailed}
     */
    public static String withDefaults(String key, String uri) {
        String u = uri.trim();
        int colon = u.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(key + " must be a Camel endpoint URI such as amqp:queue:events, was '"
                    + URISupport.sanitizeUri(u) + "'");
        }
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        Map<String, Object> options;
        try {
            int q = u.indexOf('?');
            options = q < 0 ? Map.of() : URISupport.parseQuery(u.substring(q + 1));
        } catch (Exception e) {
            throw new IllegalArgumentException(key + ": the query of the URI cannot be parsed: " + e.getMessage());
        }
        Map<String, String> add = new LinkedHashMap<>();
        if (SPRING_JMS.contains(scheme)) {
            if (!has(options, "transacted", "acknowledgementModeName", "acknowledgementMode")) {
                add.put("transacted", "true");
                add.put("lazyCreateTransactionManager", "false");
            }
            addIfAbsent(options, add, "concurrentConsumers", String.valueOf(DEFAULT_CONSUMERS));
            addIfAbsent(options, add, "errorHandlerLogStackTrace", "false");
        } else if (SJMS.contains(scheme)) {
            addIfAbsent(options, add, "transacted", "true");
            addIfAbsent(options, add, "concurrentConsumers", String.valueOf(DEFAULT_CONSUMERS));
        } else if (scheme.equals("file")) {
            if (options.containsKey("moveFailed")) {
                throw new IllegalArgumentException(key + ": leave moveFailed out of a file: URI — unreadable files are "
                        + "moved to the endpoint's error-folder with a reason file, other failures leave the file in place");
            }
            if (!has(options, "move", "delete", "noop")) {
                add.put("move", ".done");
            }
            if (!has(options, "readLock", "doneFileName")) {
                add.put("readLock", "changed");
            }
        } else if (REMOTE_FILES.contains(scheme)) {
            if (!has(options, "move", "delete", "noop")) {
                add.put("move", ".done");
            }
            addIfAbsent(options, add, "moveFailed", ".error");
        } else if (scheme.equals("kafka")) {
            addIfAbsent(options, add, "breakOnFirstError", "true");
        }
        if (add.isEmpty()) {
            return u;
        }
        StringBuilder sb = new StringBuilder(u);
        char sep = u.indexOf('?') < 0 ? '?' : '&';
        for (Map.Entry<String, String> e : add.entrySet()) {
            if (sb.charAt(sb.length() - 1) != '?' && sb.charAt(sb.length() - 1) != '&') {
                sb.append(sep);
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return sb.toString();
    }

    /** @return the scheme of a URI, lower case */
    public static String scheme(String uri) {
        int colon = uri.indexOf(':');
        return colon < 0 ? "" : uri.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean has(Map<String, Object> options, String... keys) {
        for (String k : keys) {
            if (options.containsKey(k)) {
                return true;
            }
        }
        return false;
    }

    private static void addIfAbsent(Map<String, Object> options, Map<String, String> add, String key, String value) {
        if (!options.containsKey(key)) {
            add.put(key, value);
        }
    }
}
