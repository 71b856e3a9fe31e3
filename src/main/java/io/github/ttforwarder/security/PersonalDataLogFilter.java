package io.github.ttforwarder.security;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Log filter (console and file handlers: {@code quarkus.log.console.filter=personal-data}) that masks e-mail addresses
 * and phone numbers ({@link PersonalData}) in every log line of every logger — the forwarder's, Camel's, Vert.x's —
 * before it is written, also in the message of a logged exception. Never drops a line.
 */
@LoggingFilter(name = "personal-data")
public final class PersonalDataLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        String formatted = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (formatted != null && PersonalData.contains(formatted)) {
            String masked = PersonalData.mask(formatted);
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(masked);
            }
            record.setParameters(null);
        }
        Throwable t = record.getThrown();
        if (t != null && PersonalData.contains(String.valueOf(t.getMessage()))) {
            RuntimeException safe = new RuntimeException(t.getClass().getName() + ": " + PersonalData.mask(t.getMessage()));
            safe.setStackTrace(t.getStackTrace());
            record.setThrown(safe);
        }
        return true;
    }
}
