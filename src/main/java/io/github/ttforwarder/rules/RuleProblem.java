package io.github.ttforwarder.rules;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One problem found in a rule file, reported as {@code routes/<file>:<line>: <what> (<rule id>)}.
 *
 * @param file    the file as the user knows it, e.g. {@code routes/my-rules.yaml}
 * @param line    1-based line, 0 when unknown
 * @param error   true: the file is refused; false: a warning, the file is loaded
 * @param message what is wrong, and the fix when known
 * @param rule    the rule (route) id, or null
 */
@RegisterForReflection
public record RuleProblem(String file, int line, boolean error, String message, String rule) {

    /** @return {@code file:line: error|warning: message (rule)} */
    @Override
    public String toString() {
        return file + ":" + line + ": " + (error ? "error: " : "warning: ") + message + (rule == null ? "" : " (" + rule + ")");
    }
}
